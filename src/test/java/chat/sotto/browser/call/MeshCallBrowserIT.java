package chat.sotto.browser.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.SottoWar;
import java.util.List;
import java.util.Set;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two and three people in direct calls: video both ways, mute, camera, screen sharing, ICE restarts that collide,
 * leaving, a dropped connection and joining again.
 */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class MeshCallBrowserIT {
  /** Frames that a remote must decode to show that time passed while something else should stand still. */
  private static final long FRAMES_MEANWHILE = 30;

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  static void startAndJoin(CallBrowser starter, CallBrowser... joiners) {
    starter.click("Start call");
    starter.until(d -> starter.callStatus().startsWith("You are in the call"));
    for (CallBrowser j : joiners) {
      j.until(d -> j.showsButton("Join call"));
      j.click("Join call");
    }
  }

  @Test
  void twoPeopleReceiveEachOthersVideoAndMutingStopsTheAudioSent() {
    try (CallParty party = CallParty.inRoom(2)) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      assertTrue(alice.showsButton("Start call"));
      alice.click("Start call");
      bob.until(d -> bob.showsButton("Join call") && bob.callStatus().startsWith("A call is in progress with"));
      bob.click("Join call");

      PeerStats atAlice = alice.awaitVideoFrom(1).get(0);
      PeerStats atBob = bob.awaitVideoFrom(1).get(0);
      alice.until(d -> alice.stats().get(0).videoBytesReceived() > atAlice.videoBytesReceived()
          && alice.stats().get(0).videoFramesDecoded() > atAlice.videoFramesDecoded());
      bob.until(d -> bob.stats().get(0).videoBytesReceived() > atBob.videoBytesReceived()
          && bob.stats().get(0).videoFramesDecoded() > atBob.videoFramesDecoded());
      assertTrue(atAlice.encrypted() && atBob.encrypted(), "DTLS-SRTP: " + atAlice + " / " + atBob);
      String aliceId = alice.sessionId();
      String bobId = bob.sessionId();
      assertEquals(List.of(bobId), alice.remoteTiles());
      assertEquals(List.of(aliceId), bob.remoteTiles());

      alice.click("Mute microphone");
      assertTrue(alice.showsButton("Unmute microphone"));
      bob.until(d -> bob.tileState(aliceId).contains("Microphone off"));
      long stoppedAt = awaitAudioStopped(alice, bob);
      long frames = bob.stats().get(0).videoFramesDecoded();
      bob.until(d -> bob.stats().get(0).videoFramesDecoded() > frames + FRAMES_MEANWHILE);
      assertEquals(stoppedAt, alice.stats().get(0).audioBytesSent(), "no audio is sent while muted");

      alice.click("Unmute microphone");
      alice.until(d -> alice.stats().get(0).audioBytesSent() > stoppedAt);
      bob.until(d -> !bob.tileState(aliceId).contains("Microphone off"));

      alice.click("Turn camera off");
      bob.until(d -> bob.tileState(aliceId).contains("Camera off"));
      alice.click("Turn camera on");
      bob.until(d -> !bob.tileState(aliceId).contains("Camera off"));
      long before = bob.stats().get(0).videoFramesDecoded();
      bob.until(d -> bob.stats().get(0).videoFramesDecoded() > before + FRAMES_MEANWHILE);
    }
  }

  /** Waits until the audio bytes that `sender` sends stand still while `receiver` keeps decoding video. */
  private static long awaitAudioStopped(CallBrowser sender, CallBrowser receiver) {
    long[] last = {sender.stats().get(0).audioBytesSent(), receiver.stats().get(0).videoFramesDecoded()};
    return receiver.until(d -> {
      long frames = receiver.stats().get(0).videoFramesDecoded();
      if (frames < last[1] + FRAMES_MEANWHILE) {
        return null;
      }
      long sent = sender.stats().get(0).audioBytesSent();
      boolean still = sent == last[0];
      last[0] = sent;
      last[1] = frames;
      return still ? sent : null;
    });
  }

  @Test
  void sharingTheScreenRenegotiatesAndTheOthersSeeItUntilItStops() {
    try (CallParty party = CallParty.inRoom(2)) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      startAndJoin(alice, bob);
      alice.awaitVideoFrom(1);
      PeerStats before = bob.awaitVideoFrom(1).get(0);
      String aliceId = alice.sessionId();
      String cameraTrack = before.decodingVideo().get(0).track();

      alice.click("Share screen");
      alice.until(d -> alice.showsButton("Stop sharing"));
      PeerStats sharing = bob.until(d -> {
        PeerStats s = bob.stats().get(0);
        return s.negotiations() > before.negotiations() && s.decodingVideo().size() == 2 ? s : null;
      });
      String screenTrack = sharing.decodingVideo().stream().map(PeerStats.Rtp::track)
          .filter(t -> !t.equals(cameraTrack)).findFirst().orElseThrow();
      bob.until(d -> bob.tileVideos(aliceId) == 2 && bob.tileState(aliceId).contains("Sharing screen"));
      long sharedFrames = bob.until(d -> {
        long f = frames(bob.stats().get(0), screenTrack);
        return f > frames(sharing, screenTrack) + FRAMES_MEANWHILE ? f : null;
      });

      alice.click("Stop sharing");
      alice.until(d -> alice.showsButton("Share screen"));
      PeerStats stopped = bob.until(d -> {
        PeerStats s = bob.stats().get(0);
        return s.negotiations() > sharing.negotiations() && bob.tileVideos(aliceId) == 1
            && !bob.tileState(aliceId).contains("Sharing screen") ? s : null;
      });
      long screenStoppedAt = Math.max(sharedFrames, frames(stopped, screenTrack));
      long cameraFrames = frames(stopped, cameraTrack);
      bob.until(d -> frames(bob.stats().get(0), cameraTrack) > cameraFrames + FRAMES_MEANWHILE);
      assertTrue(frames(bob.stats().get(0), screenTrack) <= screenStoppedAt + 2, "the screen stopped");

      alice.click("Share screen");
      bob.until(d -> bob.tileVideos(aliceId) == 2);
      PeerStats again = bob.until(d -> {
        PeerStats s = bob.stats().get(0);
        return frames(s, screenTrack) > screenStoppedAt + FRAMES_MEANWHILE ? s : null;
      });
      assertEquals(2, again.inbound().stream().filter(r -> "video".equals(r.kind())).count(),
          "sharing again reuses the screen's m-line");
    }
  }

  private static long frames(PeerStats s, String track) {
    return s.inbound().stream().filter(r -> track.equals(r.track())).mapToLong(PeerStats.Rtp::frames).sum();
  }

  /**
   * Glare for certain: both sides restart ICE at the same instant while each holds the other's signals back for a
   * moment (a test-only WebSocket wrapper), so each has its own offer out when the other's arrives. The polite side
   * (the lower session ID) rolls its offer back and answers; the impolite side ignores the polite offer; the call
   * goes on with video both ways.
   */
  @Test
  void iceRestartsFromBothSidesAtOnceCollideThePoliteSideYieldsAndTheCallGoesOn() {
    try (CallParty party = CallParty.inRoom(2, b -> b.beforeEveryPage(CallBrowser.HOLD_SIGNALS))) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      startAndJoin(alice, bob);
      List<CallBrowser> both = List.of(alice, bob);
      for (CallBrowser b : both) {
        b.awaitVideoFrom(1);
      }
      boolean alicePolite = alice.sessionId().compareTo(bob.sessionId()) < 0;
      CallBrowser polite = alicePolite ? alice : bob;
      CallBrowser impolite = alicePolite ? bob : alice;
      List<String> ufrags = both.stream().map(CallBrowser::localIceUfrag).toList();
      List<Long> negotiated = both.stream().map(b -> b.stats().get(0).negotiations()).toList();
      long collisions = polite.offerCollisions();
      long politeOffers = polite.localOffers();
      long impoliteApplied = impolite.remoteOffersApplied();

      long at = System.currentTimeMillis() + 800;
      for (CallBrowser b : both) {
        b.holdIncomingSignalsUntil(at + 600);
        b.restartIceAt(at);
      }
      for (int i = 0; i < 2; i++) {
        CallBrowser b = both.get(i);
        String before = ufrags.get(i);
        long negotiations = negotiated.get(i);
        b.until(d -> !before.equals(b.localIceUfrag()) && b.stats().get(0).negotiations() > negotiations);
      }
      for (CallBrowser b : both) {
        PeerStats s = b.until(d -> {
          PeerStats now = b.stats().get(0);
          return now.connected() ? now : null;
        });
        b.until(d -> b.stats().get(0).videoFramesDecoded() > s.videoFramesDecoded() + FRAMES_MEANWHILE);
        assertEquals("", b.text("call-error"));
        assertEquals(1, b.remoteTiles().size());
        assertTrue(b.heldSignals() > 0, "the other side's offer was held back");
      }
      long yielded = polite.offerCollisions() - collisions;
      long offered = polite.localOffers() - politeOffers;
      long applied = impolite.remoteOffersApplied() - impoliteApplied;
      System.out.println("ICE restarts at once: the polite side yielded in " + yielded + " collision(s), made "
          + offered + " offer(s), of which the impolite side applied " + applied);
      assertTrue(yielded > 0, "the polite side rolled its offer back for the impolite side's");
      assertEquals(0, impolite.offerCollisions(), "the impolite side never applied an offer over its own");
      assertTrue(applied < offered, "the impolite side ignored the polite side's colliding offer");
    }
  }

  @Test
  void threePeopleFormAFullMeshAndOneLeavingDisappearsFromTheOthers() {
    try (CallParty party = CallParty.inRoom(3)) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      CallBrowser carol = party.get(2);
      startAndJoin(alice, bob, carol);
      for (CallBrowser b : List.of(alice, bob, carol)) {
        b.awaitVideoFrom(2);
      }
      String aliceId = alice.sessionId();
      String bobId = bob.sessionId();
      String carolId = carol.sessionId();
      assertEquals(Set.of(bobId, carolId), Set.copyOf(alice.remoteTiles()));
      assertEquals(Set.of(aliceId, carolId), Set.copyOf(bob.remoteTiles()));
      assertEquals(Set.of(aliceId, bobId), Set.copyOf(carol.remoteTiles()));

      carol.click("Leave call");
      alice.until(d -> alice.remoteTiles().equals(List.of(bobId)));
      bob.until(d -> bob.remoteTiles().equals(List.of(aliceId)));
      carol.until(d -> carol.showsButton("Join call") && carol.remoteTiles().isEmpty());
      assertTrue(carol.callStatus().startsWith("A call is in progress with"), carol.callStatus());
      assertEquals(1, alice.stats().size(), "the connection to Carol is closed");
      assertEquals(1, bob.stats().size());
      long frames = alice.stats().get(0).videoFramesDecoded();
      alice.until(d -> alice.stats().get(0).videoFramesDecoded() > frames + FRAMES_MEANWHILE);
    }
  }

  @Test
  void someoneWhoseConnectionDropsIsRemovedAndCanJoinAgain() {
    try (CallParty party = CallParty.inRoom(3)) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      CallBrowser carol = party.get(2);
      startAndJoin(alice, bob, carol);
      alice.awaitVideoFrom(2);
      String bobId = bob.sessionId();
      String carolId = carol.sessionId();

      party.closeOne(carol);
      alice.until(d -> alice.remoteTiles().equals(List.of(bobId)));
      bob.until(d -> bob.remoteTiles().size() == 1);

      bob.driver().navigate().refresh();
      bob.awaitConnected();
      alice.until(d -> alice.remoteTiles().isEmpty());
      assertFalse(alice.remoteTiles().contains(carolId));
      bob.until(d -> bob.showsButton("Join call"));
      bob.click("Join call");
      alice.awaitVideoFrom(1);
      bob.awaitVideoFrom(1);
      assertEquals(List.of(bobId), alice.remoteTiles());
    }
  }
}
