package chat.sotto.browser.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.SottoWar;
import chat.sotto.testsupport.IntegrationServices;
import chat.sotto.testsupport.TestTurnServer;
import java.io.IOException;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/**
 * A relay-only call (both sides hide their IP address) whose network path breaks: the test run's coturn stops. Back
 * on the same port in time, ICE restarts and the call resumes; gone for good, each side gives the other up after the
 * grace while both stay in the room. Every outage ends (coturn runs again) whatever the test's outcome.
 */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class CallRecoveryCallBrowserIT {
  private static final long FRAMES_MEANWHILE = 30;

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  /** Two people in a relay-only call with video both ways. */
  static CallParty relayedCall() {
    CallParty party = CallParty.inRoom(2);
    try {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      for (CallBrowser b : List.of(alice, bob)) {
        b.hideMyIp();
      }
      MeshCallBrowserIT.startAndJoin(alice, bob);
      for (CallBrowser b : List.of(alice, bob)) {
        assertEquals("relay", b.awaitVideoFrom(1).get(0).localCandidateType());
      }
      return party;
    } catch (RuntimeException | Error e) {
      party.close();
      throw e;
    }
  }

  /** Waits until the page shows that its path to `other` broke: the tile says so, the connection is not up. */
  static void awaitPathBroken(CallBrowser b, String other) {
    b.until(d -> b.tileState(other).contains("Reconnecting…") && !b.stats().get(0).connected());
  }

  @Test
  void theRelayBackOnItsPortWithinTheGraceRestartsIceAndTheCallResumes() throws IOException {
    assertTrue(IntegrationServices.turn().port() > 0, "the test run's coturn is up");
    try (CallParty party = relayedCall()) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      List<CallBrowser> both = List.of(alice, bob);
      List<String> others = List.of(bob.sessionId(), alice.sessionId());
      List<String> ufrags = both.stream().map(CallBrowser::localIceUfrag).toList();

      try (TestTurnServer.Outage outage = IntegrationServices.turn().outage()) {
        for (int i = 0; i < 2; i++) {
          awaitPathBroken(both.get(i), others.get(i));
        }
        outage.end();
      }
      for (int i = 0; i < 2; i++) {
        CallBrowser b = both.get(i);
        String before = ufrags.get(i);
        String other = others.get(i);
        PeerStats back = b.until(d -> {
          PeerStats s = b.stats().get(0);
          return s.connected() && !before.equals(b.localIceUfrag()) ? s : null;
        });
        assertEquals("relay", back.localCandidateType(), "still relayed after the restart");
        b.until(d -> b.stats().get(0).videoFramesDecoded() > back.videoFramesDecoded() + FRAMES_MEANWHILE);
        b.until(d -> !b.tileState(other).contains("Reconnecting…"));
        assertEquals(List.of(other), b.remoteTiles(), "the tile stayed");
        assertEquals("", b.text("call-error"));
        assertEquals(1, b.stats().size(), "the same connection, restarted");
      }
    }
  }

  @Test
  void theRelayGoneForGoodMakesEachSideGiveTheOtherUpWhileTheRoomStays() throws IOException {
    try (CallParty party = relayedCall()) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      List<CallBrowser> both = List.of(alice, bob);
      List<String> others = List.of(bob.sessionId(), alice.sessionId());
      List<String> names = List.of(tileName(alice, others.get(0)), tileName(bob, others.get(1)));

      try (TestTurnServer.Outage outage = IntegrationServices.turn().outage()) {
        long stoppedAt = System.nanoTime();
        for (int i = 0; i < 2; i++) {
          awaitPathBroken(both.get(i), others.get(i));
        }
        for (int i = 0; i < 2; i++) {
          CallBrowser b = both.get(i);
          // counted without reading the tiles, which may go from the page between finding and reading them
          b.until(d -> d.findElements(By.cssSelector("#call-tiles [data-session-id]")).isEmpty());
          String error = b.text("call-error");
          assertTrue(error.contains("The connection with " + names.get(i) + " failed"), error);
          assertTrue(b.callStatus().startsWith("You are in the call"), b.callStatus());
          assertTrue(b.showsButton("Leave call"));
        }
        System.out.printf("Relay gone: both sides gave the other up %d ms after coturn stopped%n",
            (System.nanoTime() - stoppedAt) / 1_000_000);
        for (CallBrowser b : both) {
          b.awaitConnected();
        }
        alice.sendMessage("still here without the relay");
        bob.awaitMessage("still here without the relay");
        bob.sendMessage("me too");
        alice.awaitMessage("me too");
        for (CallBrowser b : both) {
          assertTrue(b.stats().isEmpty(), "the connection between them is closed");
        }
      }
    }
  }

  private static String tileName(CallBrowser b, String sessionId) {
    return b.tile(sessionId).findElement(By.className("tile-name")).getText();
  }
}
