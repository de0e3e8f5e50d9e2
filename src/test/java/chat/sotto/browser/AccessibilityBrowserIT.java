package chat.sotto.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.sotto.it.SottoWar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * axe-core (a test tool from npm, injected into the page by the test, never shipped in the WAR) finds no serious or
 * critical accessibility violation on the start page, in a room with messages, with the invite QR code open, and
 * during a call. Every violation it finds, of any impact, is printed (rule, impact, number of elements).
 */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class AccessibilityBrowserIT {
  private static final List<String> FAKE_MEDIA = List.of(
      "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
      "--allow-loopback-in-peer-connection", "--disable-features=WebRtcHideLocalIpsWithMdns");

  private static final String RUN_AXE =
      """
      const done = arguments[arguments.length - 1];
      axe.run(document, { resultTypes: ['violations'] })
        .then((r) => done(r.violations.map((v) => ({ id: v.id, impact: v.impact ?? 'none',
          count: v.nodes.length, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(' | ') }))))
        .catch((e) => done([{ id: 'axe-failed', impact: 'critical', count: 1, targets: String(e) }]));
      """;

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void theStartPageHasNoSeriousViolationsInLightOrDarkColours() {
    try (Browser a = Browser.start()) {
      a.open(SottoWar.BASE.toString());
      a.textbox("Room code");
      assertAxeSeesAPlantedViolation(a);
      assertNoSeriousViolations(a, "start page");
      darkColours(a);
      assertNoSeriousViolations(a, "start page, dark colours");
    }
  }

  @Test
  void aRoomWithMessagesAndItsQrCodeHaveNoSeriousViolations() {
    try (Browser a = Browser.start();
        Browser b = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      RoomPage bob = RoomPage.openInvite(b, alice.copyInviteLink());
      alice.send(Secret.word("hello"));
      bob.send("Hi, see https://example.org/page");
      alice.awaitMessage("Hi, see https://example.org/page");
      assertNoSeriousViolations(a, "room with messages (owner)");
      assertNoSeriousViolations(b, "room with messages (member)");
      darkColours(b);
      assertNoSeriousViolations(b, "room with messages (member), dark colours");

      a.click("Show QR code");
      a.until("the QR code", d -> a.script("return document.querySelector('#qr-dialog[open] #qr-code canvas')"));
      assertNoSeriousViolations(a, "invite QR code dialog");
    }
  }

  @Test
  void aCallHasNoSeriousViolations() {
    try (Browser a = Browser.start(FAKE_MEDIA);
        Browser b = Browser.start(FAKE_MEDIA)) {
      RoomPage alice = RoomPage.createRoom(a);
      RoomPage.openInvite(b, alice.copyInviteLink());
      a.click("Start call");
      a.button("Leave call");
      b.click("Join call");
      b.button("Leave call");
      a.until("the other person's tile", d -> (Long) a.script(
          "return document.querySelectorAll('#call-tiles video').length") >= 2);
      assertNoSeriousViolations(a, "during a call");
      assertNoSeriousViolations(b, "during a call (joined)");
    }
  }

  /** The page as a browser set to a dark colour scheme shows it (the page follows prefers-color-scheme). */
  private static void darkColours(Browser browser) {
    browser.devTools("Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
    browser.until("dark colours", d -> Boolean.TRUE.equals(
        browser.script("return matchMedia('(prefers-color-scheme: dark)').matches")));
  }

  /** The check can fail: a button without a name, planted in this page, is a critical violation to axe here. */
  private static void assertAxeSeesAPlantedViolation(Browser browser) {
    inject(browser);
    @SuppressWarnings("unchecked")
    List<String> found = (List<String>) browser.asyncScript(
        "const done = arguments[arguments.length - 1]; const b = document.createElement('button');"
            + " b.id = 'planted'; document.body.append(b);"
            + " axe.run('#planted', { resultTypes: ['violations'] }).then((r) => { b.remove();"
            + " done(r.violations.map((v) => v.id + ' ' + v.impact)); })");
    assertEquals(List.of("button-name critical"), found, "axe on a planted nameless button");
  }

  private static void inject(Browser browser) {
    if (!"object".equals(browser.script("return typeof window.axe"))) {
      browser.script(axeSource());
    }
  }

  private static void assertNoSeriousViolations(Browser browser, String where) {
    inject(browser);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> violations = (List<Map<String, Object>>) browser.asyncScript(RUN_AXE);
    System.out.println("axe-core, " + where + ": " + (violations.isEmpty() ? "no violations" : ""));
    for (Map<String, Object> v : violations) {
      System.out.println("  " + v.get("id") + " (" + v.get("impact") + "): " + v.get("count") + " element(s): "
          + v.get("targets"));
    }
    assertEquals(List.of(), violations.stream()
        .filter(v -> "serious".equals(v.get("impact")) || "critical".equals(v.get("impact")))
        .toList(), where + ": serious or critical accessibility violations");
  }

  private static String axeSource() {
    Path axe = Path.of(System.getProperty("sotto.axe", "target/test-npm/node_modules/axe-core/axe.min.js"));
    try {
      return Files.readString(axe, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("axe-core is installed by the build (npm ci in target/test-npm)", e);
    }
  }
}
