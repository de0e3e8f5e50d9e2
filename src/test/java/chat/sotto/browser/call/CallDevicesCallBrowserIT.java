package chat.sotto.browser.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.SottoWar;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Devices in a call, with Chromium's fake camera and microphone (the fake microphone beeps): the check before a
 * call, joining without a camera, switching the microphone and the camera during a call, the tile telling a direct
 * call from a relayed one, and a shared screen's audio reaching the others.
 *
 * <p>A test-only script (never part of the product) keeps every track that getUserMedia and getDisplayMedia hand
 * to the page, so that a test can see which ones are still live (a live camera track is a camera light on).
 */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class CallDevicesCallBrowserIT {
  private static final String KEEP_TRACKS =
      """
      (() => {
        const md = navigator.mediaDevices;
        if (!md || window.sottoTracks) return;
        const tracks = [];
        Object.defineProperty(window, 'sottoTracks', { value: tracks });
        for (const name of ['getUserMedia', 'getDisplayMedia']) {
          if (typeof md[name] !== 'function') continue;
          const native = md[name].bind(md);
          md[name] = async (...args) => {
            const stream = await native(...args);
            stream.getTracks().forEach((t) => tracks.push(t));
            return stream;
          };
        }
      })();
      """;

  /** What each open connection sends: its audio and video senders' tracks. */
  private static final String SENDERS =
      "return window.sottoTest.peers.filter((pc) => pc.connectionState !== 'closed').map((pc) => pc.getSenders()"
          + ".filter((s) => s.track).map((s) => ({ kind: s.track.kind, id: s.track.id, label: s.track.label })));";

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void theCheckShowsTheCameraAndTheMicrophoneLevelAndClosingItTurnsThemOff() {
    try (CallParty party = CallParty.inRoom(1, b -> b.beforeEveryPage(KEEP_TRACKS))) {
      CallBrowser alice = party.get(0);
      alice.click("Check camera and microphone");
      alice.until(d -> Boolean.TRUE.equals(alice.script(
          "const v = document.getElementById('call-check-video');"
              + " return !v.hidden && v.readyState >= 2 && !v.paused && v.currentTime > 0.2;")));
      double level = alice.until(d -> {
        double value = ((Number) alice.script("return arguments[0].value;", labelled(alice, "Microphone level")))
            .doubleValue();
        return value > 0 ? value : null;
      });
      System.out.println("Check: microphone level shown " + level);
      List<String> mics = options(alice, "Microphone");
      assertTrue(mics.size() >= 2 && mics.stream().skip(1).noneMatch(String::isEmpty),
          "devices listed by name once allowed: " + mics);
      System.out.println("Check: microphones " + mics + ", cameras " + options(alice, "Camera"));
      assertEquals(2, liveTracks(alice).size(), "the check holds one microphone and one camera");

      alice.click("Close check");
      alice.until(d -> liveTracks(alice).isEmpty());
      assertTrue(alice.showsButton("Check camera and microphone"));

      alice.click("Check camera and microphone");
      alice.until(d -> liveTracks(alice).size() == 2);
      voiceOnly(alice).click();
      alice.until(d -> liveTracks(alice).equals(List.of("audio"))
          && labelled(alice, "Microphone level").isDisplayed());
      assertFalse(alice.driver().findElement(By.id("call-check-video")).isDisplayed(), "no preview without camera");
      alice.click("Start call");
      alice.until(d -> alice.callStatus().startsWith("You are in the call"));
      assertFalse(alice.driver().findElement(By.id("call-check-panel")).isDisplayed(), "joining closes the check");
      alice.until(d -> liveTracks(alice).equals(List.of("audio")));
    }
  }

  @Test
  void joiningWithoutCameraSendsAudioButNoVideoAndIsRemembered() {
    try (CallParty party = CallParty.inRoom(2)) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      voiceOnly(bob).click();
      bob.driver().navigate().refresh();
      bob.awaitConnected();
      assertTrue(voiceOnly(bob).isSelected(), "remembered in this browser");

      MeshCallBrowserIT.startAndJoin(alice, bob);
      String bobId = bob.sessionId();
      alice.until(d -> alice.remoteTiles().contains(bobId) && alice.tileState(bobId).contains("Camera off"));
      assertFalse(alice.tileState(bobId).contains("Microphone off"));
      PeerStats atBob = bob.awaitVideoFrom(1).get(0);
      long heard = alice.until(d -> {
        long bytes = inboundBytes(alice.stats().get(0), "audio");
        return bytes > 0 ? bytes : null;
      });
      alice.until(d -> inboundBytes(alice.stats().get(0), "audio") > heard);
      long frames = atBob.videoFramesDecoded();
      bob.until(d -> bob.stats().get(0).videoFramesDecoded() > frames + 30);
      PeerStats later = bob.stats().get(0);
      assertTrue(later.audioBytesSent() > 0, "Bob's audio goes out");
      assertEquals(0, outboundBytes(later, "video"), "no video goes out from Bob: " + later.outbound());
      assertEquals("", bob.text("call-error"), "no complaint about a missing camera");
      assertTrue(bob.showsButton("Turn camera on"), "the camera can still be turned on during the call");
    }
  }

  @Test
  void switchingTheMicrophoneAndTheCameraDuringTheCallSendsTheNewTracksWithoutRenegotiating() {
    try (CallParty party = CallParty.inRoom(2, b -> b.beforeEveryPage(KEEP_TRACKS))) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      MeshCallBrowserIT.startAndJoin(alice, bob);
      alice.awaitVideoFrom(1);
      bob.awaitVideoFrom(1);
      long aliceNegotiations = alice.stats().get(0).negotiations();
      long bobNegotiations = bob.stats().get(0).negotiations();
      Map<String, Object> micBefore = sent(alice, "audio");
      Map<String, Object> cameraBefore = sent(alice, "video");

      Select mic = new Select(labelled(alice, "Microphone"));
      List<String> mics = options(alice, "Microphone");
      String other = mics.stream().skip(1).filter(m -> !m.equals(micBefore.get("label"))).findFirst().orElseThrow();
      mic.selectByVisibleText(other);
      Map<String, Object> micAfter = alice.until(d -> {
        Map<String, Object> now = sent(alice, "audio");
        return now.get("id").equals(micBefore.get("id")) ? null : now;
      });
      assertEquals(other, micAfter.get("label"), "the chosen microphone is sent");
      long sentAt = alice.stats().get(0).audioBytesSent();
      long heardAt = inboundBytes(bob.stats().get(0), "audio");
      alice.until(d -> alice.stats().get(0).audioBytesSent() > sentAt);
      bob.until(d -> inboundBytes(bob.stats().get(0), "audio") > heardAt);
      System.out.println("Microphone switched from '" + micBefore.get("label") + "' to '" + other + "'");

      // Chromium's fake capture has one camera: choosing it by name still opens a new track and swaps it in.
      Select camera = new Select(labelled(alice, "Camera"));
      List<String> cameras = options(alice, "Camera");
      camera.selectByVisibleText(cameras.get(cameras.size() - 1));
      alice.until(d -> !sent(alice, "video").get("id").equals(cameraBefore.get("id")));
      long frames = bob.stats().get(0).videoFramesDecoded();
      bob.until(d -> bob.stats().get(0).videoFramesDecoded() > frames + 30);

      assertEquals(aliceNegotiations, alice.stats().get(0).negotiations(), "no renegotiation at Alice");
      assertEquals(bobNegotiations, bob.stats().get(0).negotiations(), "no renegotiation at Bob");
      assertEquals(1, alice.stats().size(), "the same connection");
      assertEquals(List.of("audio", "video"), liveTracks(alice).stream().sorted().toList(),
          "the old microphone and camera tracks are stopped");
      assertEquals("", alice.text("call-error"));
    }
  }

  @Test
  void theTileSaysDirectInADirectCall() {
    try (CallParty party = CallParty.inRoom(2)) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      MeshCallBrowserIT.startAndJoin(alice, bob);
      for (CallBrowser b : List.of(alice, bob)) {
        assertEquals("host", b.awaitVideoFrom(1).get(0).localCandidateType());
      }
      String bobId = bob.sessionId();
      String link = alice.until(d -> {
        String text = tileLink(alice, bobId);
        return text.startsWith("Direct · ") ? text : null;
      });
      assertTrue(link.matches("Direct · (Good|Fair|Poor)"), link);
      System.out.println("Direct call, Alice's tile of Bob: " + link);
    }
  }

  @Test
  void theTileSaysThroughTheRelayWhenBothHideTheirIpAddress() {
    try (CallParty party = CallParty.inRoom(2)) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      alice.hideMyIp();
      bob.hideMyIp();
      assertTrue(alice.text("call-e2e").contains("encrypted from browser to browser (DTLS-SRTP)"));
      MeshCallBrowserIT.startAndJoin(alice, bob);
      for (CallBrowser b : List.of(alice, bob)) {
        assertEquals("relay", b.awaitVideoFrom(1).get(0).localCandidateType());
      }
      String aliceId = alice.sessionId();
      String link = bob.until(d -> {
        String text = tileLink(bob, aliceId);
        return text.startsWith("Through the relay · ") ? text : null;
      });
      assertTrue(link.matches("Through the relay · (Good|Fair|Poor)"), link);
      System.out.println("Relayed call, Bob's tile of Alice: " + link);
    }
  }

  @Test
  void aScreenSharedWithItsAudioIsHeardByTheOthers() {
    try (CallParty party = CallParty.inRoom(2)) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      MeshCallBrowserIT.startAndJoin(alice, bob);
      alice.awaitVideoFrom(1);
      PeerStats before = bob.awaitVideoFrom(1).get(0);
      String aliceId = alice.sessionId();
      List<String> micMids = before.inbound().stream().filter(r -> "audio".equals(r.kind())).map(PeerStats.Rtp::mid)
          .toList();
      assertEquals(1, micMids.size(), "only the microphone before sharing: " + before.inbound());

      alice.click("Share screen");
      bob.until(d -> bob.tileVideos(aliceId) == 2 && bob.tileState(aliceId).contains("Sharing screen"));
      String screenAudio = bob.until(d -> bob.stats().get(0).inbound().stream()
          .filter(r -> "audio".equals(r.kind()) && !micMids.contains(r.mid()) && r.bytes() > 0)
          .map(PeerStats.Rtp::mid).findFirst().orElse(null));
      long heard = audioBytes(bob.stats().get(0), screenAudio);
      bob.until(d -> audioBytes(bob.stats().get(0), screenAudio) > heard);
      @SuppressWarnings("unchecked")
      List<Object> remote = (List<Object>) bob.script(
          "const v = document.querySelector(`[data-session-id='${arguments[0]}'] video.screen`);"
              + " return [v.muted, v.srcObject.getAudioTracks().length, v.paused];", aliceId);
      assertEquals(List.of(false, 1L, false), remote, "Bob's view of the screen plays its audio (muted, tracks, paused)");
      assertEquals(Boolean.TRUE, alice.script("return document.querySelector('#call-tiles .self video.screen').muted;"),
          "Alice's own preview stays silent");

      alice.click("Stop sharing");
      bob.until(d -> bob.tileVideos(aliceId) == 1);
      long micBytes = audioBytes(bob.stats().get(0), micMids.get(0));
      bob.until(d -> audioBytes(bob.stats().get(0), micMids.get(0)) > micBytes);
    }
  }

  // ---- helpers ----

  private static long audioBytes(PeerStats s, String mid) {
    return s.inbound().stream().filter(r -> "audio".equals(r.kind()) && mid.equals(r.mid()))
        .mapToLong(PeerStats.Rtp::bytes).sum();
  }

  /** The form control labelled with this text. */
  private static WebElement labelled(CallBrowser b, String label) {
    WebElement l = b.driver().findElement(By.xpath("//label[normalize-space()='" + label + "']"));
    return b.driver().findElement(By.id(l.getAttribute("for")));
  }

  private static WebElement voiceOnly(CallBrowser b) {
    return labelled(b, "Join without camera");
  }

  private static List<String> options(CallBrowser b, String label) {
    return new Select(labelled(b, label)).getOptions().stream().map(WebElement::getText).toList();
  }

  /** Kinds of the captured tracks still live (sorted). */
  @SuppressWarnings("unchecked")
  private static List<String> liveTracks(CallBrowser b) {
    return (List<String>) b.script(
        "return window.sottoTracks.filter((t) => t.readyState === 'live').map((t) => t.kind).sort();");
  }

  /** The track the first open connection sends of this kind: id and label. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> sent(CallBrowser b, String kind) {
    List<List<Map<String, Object>>> peers = (List<List<Map<String, Object>>>) b.script(SENDERS);
    return peers.get(0).stream().filter(s -> kind.equals(s.get("kind"))).findFirst().orElse(Map.of("id", ""));
  }

  static String tileLink(CallBrowser b, String sessionId) {
    return b.tile(sessionId).findElement(By.className("tile-link")).getText();
  }

  static long inboundBytes(PeerStats s, String kind) {
    return s.inbound().stream().filter(r -> kind.equals(r.kind())).mapToLong(PeerStats.Rtp::bytes).sum();
  }

  static long outboundBytes(PeerStats s, String kind) {
    return s.outbound().stream().filter(r -> kind.equals(r.kind())).mapToLong(PeerStats.Rtp::bytes).sum();
  }
}
