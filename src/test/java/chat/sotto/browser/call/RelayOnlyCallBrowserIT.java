package chat.sotto.browser.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.SottoWar;
import chat.sotto.testsupport.IntegrationServices;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/** "Hide my IP address": both sides relay-only, so media flows through the coturn the test run started. */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class RelayOnlyCallBrowserIT {
  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void hidingTheIpAddressMakesBothSidesUseRelayedCandidatesOnly() {
    assertTrue(IntegrationServices.turn().port() > 0, "the test run's coturn is up");
    try (CallParty party = CallParty.inRoom(2)) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      for (CallBrowser b : List.of(alice, bob)) {
        b.hideMyIp();
        assertTrue(b.hideIpCheckbox().isSelected());
        assertFalse(b.text("call-relay").contains("unavailable"), "the test server has a relay");
      }
      MeshCallBrowserIT.startAndJoin(alice, bob);
      for (CallBrowser b : List.of(alice, bob)) {
        PeerStats s = b.awaitVideoFrom(1).get(0);
        assertEquals("relay", s.localCandidateType(), "selected local candidate");
        assertTrue(s.encrypted(), "DTLS-SRTP through the relay: " + s);
        assertFalse(b.hideIpCheckbox().isEnabled(), "the setting cannot change during the call");
        long frames = s.videoFramesDecoded();
        b.until(d -> b.stats().get(0).videoFramesDecoded() > frames);
      }
      for (CallBrowser b : List.of(alice, bob)) {
        List<String> gathered = b.gatheredCandidates();
        assertFalse(gathered.isEmpty());
        for (String candidate : gathered) {
          assertTrue(candidate.contains(" typ relay "), "only relayed candidates are signaled: " + candidate);
          assertTrue(!candidate.contains(" raddr ") || candidate.contains(" raddr 0.0.0.0 "),
              "the relayed candidate does not carry this browser's address: " + candidate);
        }
        PeerStats s = b.stats().get(0);
        assertEquals("relay", s.remoteCandidateType(), "the other side's candidate is a relayed one too");
        assertTrue(s.candidateAddresses().stream().allMatch(a -> a.startsWith("127.0.0.1 ")),
            "only the loopback relay's addresses: " + s.candidateAddresses());
      }
    }
  }

  @Test
  void theSettingIsRememberedAndExplained() {
    try (CallParty party = CallParty.inRoom(1)) {
      CallBrowser alice = party.get(0);
      assertFalse(alice.hideIpCheckbox().isSelected());
      assertTrue(alice.text("call-hide-ip-hint").contains("never see your IP address"));
      alice.hideMyIp();
      alice.driver().navigate().refresh();
      alice.awaitConnected();
      assertTrue(alice.hideIpCheckbox().isSelected(), "remembered in this browser");
    }
  }
}
