package chat.sotto.browser.call;

import chat.sotto.it.SottoWar;
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
 * Measures (and reports, without asserting a bound) the time from clicking "Join call" to the first remote video frame
 * decoded on the joiner's page, for direct and for relayed calls. Both times are taken in the page (performance.now).
 */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class JoinTimeCallBrowserIT {
  private static final int RUNS = 5;

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void joinToFirstRemoteFrameDirect() {
    report("direct", measure(false));
  }

  @Test
  void joinToFirstRemoteFrameRelayed() {
    report("relayed (Hide my IP on both sides)", measure(true));
  }

  private static List<Double> measure(boolean hideIp) {
    List<Double> times = new ArrayList<>();
    try (CallParty party = CallParty.inRoom(2, b -> {})) {
      CallBrowser host = party.get(0);
      CallBrowser joiner = party.get(1);
      if (hideIp) {
        host.hideMyIp();
        joiner.hideMyIp();
      }
      host.click("Start call");
      for (int run = 0; run < RUNS; run++) {
        joiner.until(d -> joiner.showsButton("Join call"));
        joiner.click("Join call");
        double decodedAt = joiner.firstFramesAt(1);
        times.add(decodedAt - joiner.clickedAt("Join call"));
        PeerStats s = joiner.stats().get(0);
        if (hideIp && !"relay".equals(s.localCandidateType())) {
          throw new AssertionError("expected a relayed path, got " + s.localCandidateType());
        }
        joiner.click("Leave call");
        host.until(d -> host.remoteTiles().isEmpty() && host.stats().isEmpty());
      }
    }
    return times;
  }

  private static void report(String kind, List<Double> times) {
    List<Double> sorted = times.stream().sorted().toList();
    double median = sorted.size() % 2 == 1
        ? sorted.get(sorted.size() / 2)
        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    System.out.printf(Locale.ROOT, "Join call -> first remote video frame, %s: median %.0f ms over %d runs %s%n",
        kind, median, times.size(), times.stream().map(t -> String.format(Locale.ROOT, "%.0f", t)).toList());
  }
}
