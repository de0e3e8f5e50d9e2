package chat.sotto.browser.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.SottoWar;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What GET /api/ice says shapes the call panel: without a relay the page says so and calls still connect directly;
 * a full call cannot be joined. The test server has a relay and allows 6, so a test-only script rewrites the answer
 * that one browser sees.
 */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class CallSettingsCallBrowserIT {
  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  /** A script that makes GET /api/ice answer as a server with `settings` would. */
  private static String iceAnswer(String settings) {
    return """
        (() => {
          const nativeFetch = window.fetch;
          window.fetch = async (input, init) => {
            const response = await nativeFetch(input, init);
            if (!String(input).endsWith('/api/ice') || !response.ok) return response;
            return new Response(JSON.stringify(%s), { status: 200, headers: { 'Content-Type': 'application/json' } });
          };
        })();
        """.formatted(settings);
  }

  @Test
  void withoutARelayThePageSaysSoAndCallsConnectDirectly() {
    String noRelay = iceAnswer("{ iceServers: [], relay: false, maxParticipants: 6 }");
    try (CallParty party = CallParty.inRoom(2, b -> b.beforeEveryPage(noRelay))) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      for (CallBrowser b : List.of(alice, bob)) {
        b.until(d -> b.text("call-relay").startsWith("Relay is unavailable on this server"));
      }
      alice.hideMyIp();
      alice.until(d -> alice.text("call-relay").contains("untick"));
      assertFalse(alice.findButton("Start call").isEnabled(), "hiding the IP address is impossible without a relay");
      alice.hideIpCheckbox().click();
      MeshCallBrowserIT.startAndJoin(alice, bob);
      for (CallBrowser b : List.of(alice, bob)) {
        assertEquals("host", b.awaitVideoFrom(1).get(0).localCandidateType());
      }
    }
  }

  @Test
  void aFullCallExplainsWhyItCannotBeJoined() {
    String maxTwo = iceAnswer("{ iceServers: [], relay: false, maxParticipants: 2 }");
    try (CallParty party = CallParty.inRoom(2)) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      CallBrowser carol = party.add();
      carol.beforeEveryPage(maxTwo);
      carol.enter(party.inviteLink());
      MeshCallBrowserIT.startAndJoin(alice, bob);
      bob.awaitVideoFrom(1);
      carol.until(d -> carol.callStatus().startsWith("The call is full: at most 2 people"));
      assertFalse(carol.findButton("Join call").isEnabled());
      bob.click("Leave call");
      carol.until(d -> carol.findButton("Join call").isEnabled());
      assertTrue(carol.callStatus().startsWith("A call is in progress with"), carol.callStatus());
    }
  }
}
