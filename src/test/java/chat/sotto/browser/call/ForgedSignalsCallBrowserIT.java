package chat.sotto.browser.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.Api;
import chat.sotto.it.RelayClient;
import chat.sotto.it.SottoWar;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A member without the room key (or a server) throwing forged, oversized and flooding signals at a participant:
 * nothing opens, the call keeps running and the chat keeps working, and the page shows no error.
 */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class ForgedSignalsCallBrowserIT {
  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  private static String signal(String to, long counter, String ct) {
    return "{\"t\":\"signal\",\"to\":\"" + to + "\",\"c\":" + counter + ",\"iv\":\"" + Api.random(12)
        + "\",\"ct\":\"" + ct + "\"}";
  }

  @Test
  void forgedOversizedAndFloodingSignalsBreakNeitherTheCallNorTheChat() {
    try (CallParty party = CallParty.inRoom(2)) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      MeshCallBrowserIT.startAndJoin(alice, bob);
      alice.awaitVideoFrom(1);
      bob.awaitVideoFrom(1);
      String aliceId = alice.sessionId();
      Api.Session mallory = Api.member(alice.roomId());
      try (RelayClient m = RelayClient.connect(mallory, 0)) {
        m.send(signal(aliceId, 1, Api.random(16)));
        m.send(signal(aliceId, 2, Api.random(2000)));
        m.send(signal(aliceId, 3, Api.random(16_384)));
        m.send(signal(aliceId, 4, Api.random(16_385)));
        JsonObject tooLarge = m.await("error");
        assertEquals("too_large", tooLarge.getString("code"));
        for (long c = 5; c < 205; c++) {
          m.send(signal(aliceId, c, Api.random(64)));
        }
        m.send("{\"t\":\"ping\"}");
        int[] refused = {0};
        m.await(f -> {
          if ("rate_limited".equals(f.getString("code", ""))) {
            refused[0]++;
          }
          return "pong".equals(f.getString("t"));
        }, "pong");
        assertTrue(refused[0] > 0, "the relay rate-limits a flood of signals");
      }
      long frames = alice.stats().get(0).videoFramesDecoded();
      alice.until(d -> alice.stats().get(0).videoFramesDecoded() > frames + 30);
      assertEquals(1, alice.stats().size(), "no connection was opened for the forger");
      alice.sendMessage("the chat still works");
      bob.awaitMessage("the chat still works");
      bob.sendMessage("and both ways");
      alice.awaitMessage("and both ways");
      assertEquals("", alice.text("notice"));
      assertEquals("", alice.text("call-error"));
      assertTrue(alice.callStatus().startsWith("You are in the call with"), alice.callStatus());
    }
  }
}
