package chat.sotto.browser.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.SottoWar;
import chat.sotto.testsupport.IntegrationServices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * "Hide my IP address": both sides relay-only, so media flows through the coturn the test run started (which runs the
 * shipped deploy/turnserver.conf), with TURN credentials refreshed during the call.
 */
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
    for (Path file : IntegrationServices.turn().files()) {
      String text = read(file);
      assertFalse(text.contains("127.0.0.1") || text.contains("realm <"), file + " names a user or an address");
    }
  }

  /** Makes GET /api/ice say that its credentials live 8 s, and notes the usernames it handed out. */
  private static final String SHORT_LIVED =
      """
      (() => {
        const nativeFetch = window.fetch;
        const issued = [];
        Object.defineProperty(window, 'sottoIce', { value: issued });
        window.fetch = async (input, init) => {
          const response = await nativeFetch(input, init);
          if (!String(input).endsWith('/api/ice') || !response.ok) return response;
          const body = await response.json();
          body.ttl = 8;
          issued.push(body.iceServers.filter((s) => s.username).map((s) => s.username)[0]);
          return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
        };
      })();
      """;

  private static final String USERNAMES_IN_USE =
      "return window.sottoTest.peers.filter((pc) => pc.connectionState !== 'closed')"
          + ".map((pc) => pc.getConfiguration().iceServers.map((s) => s.username).join(','));";

  @Test
  void credentialsAreRefreshedBeforeTheyExpireAndReachTheLiveConnection() {
    try (CallParty party = CallParty.inRoom(2, b -> b.beforeEveryPage(SHORT_LIVED))) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      for (CallBrowser b : List.of(alice, bob)) {
        b.hideMyIp();
      }
      MeshCallBrowserIT.startAndJoin(alice, bob);
      for (CallBrowser b : List.of(alice, bob)) {
        assertEquals("relay", b.awaitVideoFrom(1).get(0).localCandidateType());
      }
      int before = issued(alice).size();
      alice.until(d -> issued(alice).size() >= before + 2);
      List<String> issued = issued(alice);
      assertEquals(issued.size(), issued.stream().distinct().count(), "every credential has a name of its own");
      alice.until(d -> {
        List<String> latest = issued(alice);
        return ((List<?>) alice.script(USERNAMES_IN_USE)).stream()
            .allMatch(u -> String.valueOf(u).contains(latest.get(latest.size() - 1))) ? latest : null;
      });
      // An ICE restart gathers with the refreshed credentials: the relay still carries the call afterwards.
      int gathered = alice.gatheredCandidates().size();
      alice.script("window.sottoTest.peers.filter((pc) => pc.connectionState !== 'closed')"
          + ".forEach((pc) => pc.restartIce());");
      alice.until(d -> alice.gatheredCandidates().size() > gathered);
      assertTrue(alice.gatheredCandidates().stream().allMatch(c -> c.contains(" typ relay ")));
      for (CallBrowser b : List.of(alice, bob)) {
        long frames = b.stats().get(0).videoFramesDecoded();
        b.until(d -> b.stats().get(0).videoFramesDecoded() > frames + 30);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> issued(CallBrowser b) {
    return (List<String>) b.script("return window.sottoIce.slice();");
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new AssertionError(e);
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
