package chat.sotto.browser.call;

import chat.sotto.it.SottoWar;
import chat.sotto.testsupport.IntegrationServices;
import chat.sotto.testsupport.TestTurnServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Measures (and reports, without asserting a bound) how a relay-only call recovers when its relay stops and comes
 * back on the same port: from coturn stopping to each page showing "Reconnecting…", and from coturn listening again
 * to each page decoding video again. The pages take their times with Date.now(), the test with the same system clock.
 */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class RecoveryTimeCallBrowserIT {
  private static final int RUNS = 3;

  /** Starts a poll in the page that notes (window.sottoRecovered, Date.now()) when video frames are decoded again. */
  private static final String WATCH_FRAMES =
      """
      window.sottoRecovered = null;
      const frames = async () => {
        let n = 0;
        for (const pc of window.sottoTest.peers.filter((p) => p.connectionState !== 'closed')) {
          (await pc.getStats()).forEach((s) => {
            if (s.type === 'inbound-rtp' && s.kind === 'video') n += s.framesDecoded || 0;
          });
        }
        return n;
      };
      frames().then((base) => {
        const poll = async () => {
          if ((await frames()) > base) window.sottoRecovered = Date.now();
          else setTimeout(poll, 10);
        };
        poll();
      });
      """;

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void relayBackToVideoFramesAgain() throws IOException {
    List<Long> noticed = new ArrayList<>();
    List<Long> recovered = new ArrayList<>();
    try (CallParty party = CallRecoveryCallBrowserIT.relayedCall()) {
      List<CallBrowser> both = List.of(party.get(0), party.get(1));
      List<String> others = List.of(both.get(1).sessionId(), both.get(0).sessionId());
      for (int run = 0; run < RUNS; run++) {
        long back;
        try (TestTurnServer.Outage outage = IntegrationServices.turn().outage()) {
          long stopped = System.currentTimeMillis();
          for (int i = 0; i < 2; i++) {
            CallRecoveryCallBrowserIT.awaitPathBroken(both.get(i), others.get(i));
            noticed.add(System.currentTimeMillis() - stopped);
            both.get(i).script(WATCH_FRAMES);
          }
          outage.end();
          back = System.currentTimeMillis();
        }
        for (CallBrowser b : both) {
          Number at = b.until(d -> (Number) b.script("return window.sottoRecovered;"));
          recovered.add(at.longValue() - back);
          b.until(d -> b.stats().get(0).connected() && !b.tileState(b.remoteTiles().get(0)).contains("Reconnecting"));
        }
      }
    }
    report("coturn stopped -> \"Reconnecting…\" shown", noticed);
    report("coturn listening again -> video frames decoded again", recovered);
  }

  private static void report(String what, List<Long> times) {
    List<Long> sorted = times.stream().sorted().toList();
    double median = sorted.size() % 2 == 1
        ? sorted.get(sorted.size() / 2)
        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2.0;
    System.out.printf(Locale.ROOT, "Relay-only call recovery, %s: median %.0f ms over %d (both sides, %d runs) %s%n",
        what, median, times.size(), RUNS, times);
  }
}
