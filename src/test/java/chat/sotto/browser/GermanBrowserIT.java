package chat.sotto.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.SottoWar;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two people whose browsers ask for German chat in a German page, whose main controls still carry their English names
 * (German first, as seen, then the English name in brackets); one of them switches the page to English at once.
 */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class GermanBrowserIT {
  private static final String GERMAN = "de-DE,de";

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void germanBrowsersGetAGermanPageWithEnglishControlNamesAndTheLanguageSwitchesAtOnce() {
    String text = Secret.word("hallo");
    try (Browser a = Browser.startInLanguage(GERMAN);
        Browser b = Browser.startInLanguage(GERMAN)) {
      a.open(SottoWar.BASE.toString());
      assertEquals("de", a.script("return document.documentElement.lang"));
      assertEquals("Ein privater Raum für ein privates Gespräch", shownText(a, "landing-title"));
      assertEquals("Raum erstellen", a.button("Raum erstellen (Create room)").getText());
      assertTrue(a.shows("Raumcode (Room code)"), "the room code field names its English label too");

      a.click("Raum erstellen (Create room)");
      awaitConnected(a, "Nachricht (Message)");
      assertEquals("Verbunden", shownText(a, "status"));
      assertEquals("Gerade kein Anruf in diesem Raum.", shownText(a, "call-status"));
      assertEquals("Anruf starten", a.button("Anruf starten (Start call)").getText());
      String invite = copyInvite(a);

      b.open(invite);
      awaitConnected(b, "Nachricht (Message)");
      b.textbox("Nachricht (Message)").sendKeys(text);
      String typing = a.until("Alice to see Bob typing, in German",
          d -> shownText(a, "typing").endsWith(" schreibt…") ? shownText(a, "typing") : null);
      assertTrue(typing.length() > " schreibt…".length(), "the typing line names Bob: " + typing);
      assertEquals("Senden", b.button("Senden (Send)").getText());
      b.click("Senden (Send)");
      b.until("Bob's own message, marked \"(du)\"", d -> b.script(
          "return [...document.querySelectorAll('#messages .message.own')].some(m =>"
              + " m.querySelector('.message-text').textContent === arguments[0]"
              + " && m.querySelector('.you-tag').textContent === '(du)')", text));
      a.until("Bob's message at Alice's", d -> a.script(
          "return [...document.querySelectorAll('#messages .message-text')].some(m => m.textContent === arguments[0])",
          text));
      a.until("Bob in Alice's list as online, in German", d -> a.script(
          "return [...document.querySelectorAll('#participants .participant-state')].filter(s =>"
              + " s.textContent === 'online').length === 2"));

      a.dropDown("Sprache (Language)").selectByValue("en");
      assertEquals("en", a.script("return document.documentElement.lang"), "the switch is at once, no reload");
      assertEquals("Connected", shownText(a, "status"));
      assertEquals("No call in this room right now.", shownText(a, "call-status"));
      assertEquals("Start call", a.button("Start call").getText());
      assertTrue(a.shows("Message") && a.shows("Copy invite link"), "the English names are the plain ones again");
      a.dropDown("Language");
      assertEquals("Sotto — private chat", a.script("return document.title"));

      a.reload();
      awaitConnected(a, "Message");
      assertEquals("Connected", shownText(a, "status"), "the choice is kept for the tab");
      assertEquals("Verbunden", shownText(b, "status"), "the other browser stays German");

      b.open(SottoWar.BASE + "no-such-page");
      b.until("the error page in German", d -> "de".equals(b.script("return document.documentElement.lang")));
      assertEquals("Hier ist nichts", b.script("return document.querySelector('h1').textContent"));
    }
  }

  /** The text of an element, as shown (whitespace collapsed). */
  private static String shownText(Browser browser, String id) {
    return ((String) browser.script("return document.getElementById(arguments[0]).textContent", id))
        .replaceAll("\\s+", " ")
        .trim();
  }

  /** Waits until the room is connected and its message box (named messageBox) can be used. */
  private static void awaitConnected(Browser browser, String messageBox) {
    browser.until("the room to be connected", d -> "connected".equals(
        browser.script("const s = document.getElementById('status');"
            + " return s.closest('[hidden]') ? null : s.dataset.state")));
    browser.textbox(messageBox);
  }

  /** "Einladungslink kopieren (Copy invite link)": the link from the clipboard, or shown when copying is refused. */
  private static String copyInvite(Browser browser) {
    browser.click("Einladungslink kopieren (Copy invite link)");
    browser.until("the invite link to be copied or shown", d -> !shownText(browser, "copy-feedback").isEmpty());
    String fallback = (String) browser.script("const f = document.getElementById('invite-fallback');"
        + " return f.hidden ? null : f.querySelector('input').value");
    if (fallback != null && !fallback.isEmpty()) {
      return fallback;
    }
    assertEquals("Einladungslink kopiert.", shownText(browser, "copy-feedback"));
    browser.allowClipboardReading(SottoWar.ORIGIN);
    String link = (String) browser.script("return navigator.clipboard.readText().catch(() => null)");
    assertTrue(link != null && link.startsWith(SottoWar.ORIGIN + "/#"), "an invite link was copied: " + link);
    return link;
  }
}
