package chat.sotto.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.SottoWar;
import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.NotFoundException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Keys;

/**
 * "Show QR code" draws the invite link in the page, with the library the WAR ships: a phone that scans it (ZXing
 * here) reads exactly the link that "Copy invite link" copies, and the page asked no other origin for anything.
 */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class InviteQrBrowserIT {
  private static final String LIBRARY = "/js/vendor/qrcode-generator/qrcode.mjs";

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void theQrCodeScansAsTheInviteLinkAndIsDrawnWithoutAnyOtherOrigin() {
    try (Browser a = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      String invite = alice.copyInviteLink();
      assertTrue(invite.startsWith(SottoWar.ORIGIN + "/#"), invite);

      a.click("Show QR code");
      String png = a.until("the QR code to be drawn", d -> (String) a.script(
          "const c = document.querySelector('#qr-dialog[open] #qr-code canvas');"
              + " return c ? c.toDataURL('image/png') : null"));
      assertEquals(invite, decode(png), "the QR code holds the invite link, room code in the fragment");
      assertEquals("QR code of the invite link", a.script(
          "return document.querySelector('#qr-code canvas').getAttribute('aria-label')"));
      assertEquals(Boolean.TRUE, a.script("return document.getElementById('qr-dialog').contains(document.activeElement)"),
          "the focus is in the dialog");

      a.press(Keys.ESCAPE);
      a.until("Escape to close the dialog", d -> Boolean.FALSE.equals(
          a.script("return document.getElementById('qr-dialog').open")));
      assertEquals("show-qr", a.script("return document.activeElement.id"), "the focus is back on Show QR code");
      assertTrue(a.shows("Copy invite link"), "still in the room: one Escape is not Leave no trace");

      a.click("Show QR code");
      a.until("the QR code again", d -> a.script("return document.querySelector('#qr-dialog[open] #qr-code canvas')"));
      a.click("Close");
      a.until("Close to close the dialog", d -> Boolean.FALSE.equals(
          a.script("return document.getElementById('qr-dialog').open")));
      assertEquals("show-qr", a.script("return document.activeElement.id"));

      List<String> urls = a.sent().urls();
      assertTrue(urls.contains(SottoWar.ORIGIN + LIBRARY), "the library comes from the server itself: " + urls);
      String wsOrigin = SottoWar.ORIGIN.replaceFirst("^http", "ws");
      assertEquals(List.of(), urls.stream()
          .filter(u -> u.matches("(?i)(https?|wss?)://.*"))
          .filter(u -> !u.startsWith(SottoWar.ORIGIN + "/") && !u.startsWith(wsOrigin + "/"))
          .toList(), "requests to anywhere but the page's own origin");
      assertEquals(List.of(), a.consoleErrors(), "console errors (a CSP violation would be one)");
    }
  }

  /** What a QR scanner reads from the PNG data URL. */
  private static String decode(String dataUrl) {
    byte[] bytes = Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1));
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
      BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
      return new MultiFormatReader().decode(bitmap, Map.of(
          DecodeHintType.POSSIBLE_FORMATS, List.of(BarcodeFormat.QR_CODE),
          DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText();
    } catch (NotFoundException e) {
      throw new AssertionError("no QR code found in the drawn image", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
