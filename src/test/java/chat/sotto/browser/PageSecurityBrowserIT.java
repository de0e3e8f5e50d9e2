package chat.sotto.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.SottoWar;
import java.util.Arrays;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/** The page's defences as a browser applies them: its content security policy, and untrusted text kept as text. */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class PageSecurityBrowserIT {
  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void thePageCarriesAStrictPolicyAndRunsWithoutConsoleErrorsOrForeignRequests() {
    try (Browser a = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      alice.send(Secret.word("policy"));

      String csp = a.documentHeaders(SottoWar.BASE.toString()).getOrDefault("content-security-policy", "");
      List<String> directives = Arrays.stream(csp.split(";")).map(String::trim).toList();
      for (String required : List.of("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'")) {
        assertTrue(directives.contains(required), "CSP lacks " + required + ": " + csp);
      }
      assertTrue(directives.stream().anyMatch(d -> d.startsWith("script-src ") || d.startsWith("default-src ")), csp);
      assertFalse(csp.contains("'unsafe-inline'"), csp);
      assertFalse(csp.contains("'unsafe-eval'"), csp);

      assertEquals(List.of(), a.consoleErrors(), "console errors while creating a room and sending a message");
      String wsOrigin = SottoWar.ORIGIN.replaceFirst("^http", "ws");
      assertEquals(List.of(), a.sent().urls().stream()
          .filter(u -> u.matches("(?i)(https?|wss?)://.*"))
          .filter(u -> !u.startsWith(SottoWar.ORIGIN + "/") && !u.startsWith(wsOrigin + "/"))
          .toList(), "requests to anywhere but the page's own origin");

      Object ran = a.script("const s = document.createElement('script');"
          + " s.textContent = 'window.injectedScriptRan = true'; document.body.append(s);"
          + " return window.injectedScriptRan === true");
      assertEquals(Boolean.FALSE, ran, "an injected inline script must not run");
      a.until("the browser to report the blocked inline script",
          d -> a.consoleErrors().stream().anyMatch(e -> e.contains("Content Security Policy")));
    }
  }

  @Test
  void markupInAMessageAndANicknameIsShownAsText() {
    String message = "<img src=x onerror=alert(1)> " + Secret.word("markup");
    String nick = "<img src=x onerror=alert(2)>";
    try (Browser a = Browser.start();
        Browser b = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      RoomPage bob = RoomPage.openInvite(b, alice.copyInviteLink());
      bob.setNickname(nick);
      bob.send(message);
      String from = alice.awaitMessage(message, nick).from();
      a.until("the nickname in the owner's list",
          d -> alice.participants().stream().anyMatch(p -> p.sessionId().equals(from) && p.name().equals(nick)));

      for (Browser browser : List.of(a, b)) {
        assertEquals(0L, browser.script("return document.querySelectorAll('img').length"),
            "no element was made from the text");
        assertFalse(browser.hasAlert(), "no script ran");
        assertEquals(List.of(), browser.sent().urls().stream().filter(u -> u.endsWith("/x")).toList(),
            "no image was requested");
      }
    }
  }
}
