package chat.sotto.browser.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.Database;
import chat.sotto.it.SottoWar;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the server sees of a call: encrypted signal frames on the WebSocket, and nothing in the database. */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class SignalingPrivacyCallBrowserIT {
  private static final List<String> CLEAR_TEXT_SIGNALING =
      List.of("v=0", "a=fingerprint", "a=candidate", "candidate:", "typ host", "typ relay", "ice-ufrag", "ice-pwd",
          "\"sdp\"", "\"offer\"", "\"answer\"", "\"join\"", "\"here\"", "\"leave\"", "sdpMid");
  private static final Pattern SIGNAL_CT = Pattern.compile("\"t\":\"signal\".*\"ct\":\"([A-Za-z0-9_-]+)\"");

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void theWebSocketCarriesNoSdpOrCandidatesInClearAndTheDatabaseKeepsNoSignaling() {
    try (CallParty party = CallParty.inRoom(2)) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      String roomId = alice.roomId();
      MeshCallBrowserIT.startAndJoin(alice, bob);
      alice.awaitVideoFrom(1);
      bob.awaitVideoFrom(1);
      alice.click("Share screen");
      bob.until(d -> bob.stats().get(0).decodingVideo().size() == 2);
      alice.click("Mute microphone");
      bob.click("Leave call");
      alice.until(d -> alice.remoteTiles().isEmpty());
      alice.sendMessage("still chatting after the call");
      bob.awaitMessage("still chatting after the call");

      List<String> frames = new ArrayList<>(alice.webSocketFrames());
      frames.addAll(bob.webSocketFrames());
      List<String> signals = frames.stream().filter(f -> f.contains("\"t\":\"signal\"")).toList();
      assertTrue(signals.size() >= 10, "signals were recorded: " + signals.size());
      List<String> addresses = new ArrayList<>();
      for (CallBrowser b : List.of(alice, bob)) {
        b.stats().forEach(s -> addresses.addAll(s.candidateAddresses()));
      }
      for (String frame : frames) {
        for (String clear : CLEAR_TEXT_SIGNALING) {
          assertFalse(frame.contains(clear), "\"" + clear + "\" in a WebSocket frame: " + abbreviate(frame));
        }
        for (String address : addresses) {
          assertFalse(frame.contains(address), "candidate address " + address + " in " + abbreviate(frame));
        }
      }

      List<String> ciphertexts = new ArrayList<>();
      for (String signal : signals) {
        Matcher m = SIGNAL_CT.matcher(signal);
        if (m.find()) {
          ciphertexts.add(m.group(1));
        }
      }
      assertEquals(signals.size(), ciphertexts.size());
      assertEquals(1, Database.count("SELECT COUNT(*) FROM messages WHERE room_id = ?", roomId),
          "only the chat message is stored");
      List<String> stored = Database.dump("messages");
      assertTrue(stored.stream().noneMatch(v -> v.contains("signal")), "no signal rows");
      assertTrue(stored.stream().noneMatch(ciphertexts::contains), "no signal ciphertext is stored");
    }
  }

  private static String abbreviate(String frame) {
    return frame.length() > 200 ? frame.substring(0, 200) + "…" : frame;
  }
}
