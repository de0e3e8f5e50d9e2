package chat.sotto.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.common.Reason;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RelayMetricsTest {
  private enum Cause {
    AUTH_FAILED,
    AUTH_FIRST,
    UNAVAILABLE
  }

  private static String scrape(RelayMetrics m, Map<Gauge, Long> gauges) {
    PrometheusText text = new PrometheusText();
    m.writeTo(text, gauges);
    return text.toString();
  }

  private static long sample(String scrape, String series) {
    Matcher match = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
    assertTrue(match.find(), series + " missing from\n" + scrape);
    return Long.parseLong(match.group(1));
  }

  @Test
  void countersAddUpWhatTheFeaturesReport() {
    RelayMetrics m = new RelayMetrics();
    m.joined();
    m.joined();
    m.delivered();
    m.delivered(9);
    m.batchStored(3, 2, TimeUnit.MILLISECONDS.toNanos(4));
    m.batchStored(1, 1, TimeUnit.MILLISECONDS.toNanos(1));
    String s = scrape(m, Map.of());
    assertEquals(2, sample(s, "sotto_joins_total"));
    assertEquals(10, sample(s, "sotto_deliveries_total"));
    assertEquals(3, sample(s, "sotto_messages_stored_total"));
    assertEquals(1, sample(s, "sotto_writer_batch_size_bucket{le=\"1\"}"));
    assertEquals(2, sample(s, "sotto_writer_batch_size_bucket{le=\"5\"}"));
    assertEquals(4, sample(s, "sotto_writer_batch_size_sum"));
    assertEquals(2, sample(s, "sotto_writer_batch_size_count"));
    assertEquals(1, sample(s, "sotto_store_seconds_bucket{le=\"0.001\"}"));
    assertEquals(2, sample(s, "sotto_store_seconds_bucket{le=\"0.005\"}"));
    assertEquals(2, sample(s, "sotto_store_seconds_count"));
  }

  @Test
  void everyGaugeIsWrittenAndOneWithoutAReadingIsZero() {
    String s = scrape(new RelayMetrics(), Map.of(Gauge.CONNECTIONS, 7L, Gauge.QUEUED_SEND_BYTES, 1234L));
    assertEquals(7, sample(s, "sotto_connections"));
    assertEquals(0, sample(s, "sotto_rooms"));
    assertEquals(0, sample(s, "sotto_writer_queue_depth"));
    assertEquals(1234, sample(s, "sotto_queued_send_bytes"));
    assertTrue(s.contains("# TYPE sotto_connections gauge\n"));
  }

  @Test
  void refusalsAreLabelledByEdgeAndTheLowerCaseNameOfTheirReason() {
    RelayMetrics m = new RelayMetrics();
    m.refused(Edge.REST, Reason.RATE_LIMITED);
    m.refused(Edge.REST, Reason.RATE_LIMITED);
    m.refused(Edge.WEBSOCKET, Reason.RATE_LIMITED);
    m.refused(Edge.WEBSOCKET, Reason.SERVER_FULL);
    String s = scrape(m, Map.of());
    assertEquals(2, sample(s, "sotto_refusals_total{edge=\"rest\",reason=\"rate_limited\"}"));
    assertEquals(1, sample(s, "sotto_refusals_total{edge=\"websocket\",reason=\"rate_limited\"}"));
    assertEquals(1, sample(s, "sotto_refusals_total{edge=\"websocket\",reason=\"server_full\"}"));
  }

  @Test
  void causesOfTwoEnumsWithTheSameNameShareOneSeries() {
    RelayMetrics m = new RelayMetrics();
    m.refused(Edge.WEBSOCKET, Reason.UNAVAILABLE);
    m.refused(Edge.WEBSOCKET, Cause.UNAVAILABLE);
    String s = scrape(m, Map.of());
    assertEquals(2, sample(s, "sotto_refusals_total{edge=\"websocket\",reason=\"unavailable\"}"));
    assertEquals(1, s.split("reason=\"unavailable\"", -1).length - 1, "one series, not two with equal labels");
  }

  @Test
  void closesAreLabelledByCodeAndCause() {
    RelayMetrics m = new RelayMetrics();
    m.closed(1008, Cause.AUTH_FAILED);
    m.closed(1008, Cause.AUTH_FAILED);
    m.closed(1008, Cause.AUTH_FIRST);
    String s = scrape(m, Map.of());
    assertEquals(2, sample(s, "sotto_websocket_closes_total{code=\"1008\",reason=\"auth_failed\"}"));
    assertEquals(1, sample(s, "sotto_websocket_closes_total{code=\"1008\",reason=\"auth_first\"}"));
  }

  @Test
  void everySampleLineIsValidExpositionFormat() {
    RelayMetrics m = new RelayMetrics();
    m.refused(Edge.REST, Reason.NOT_FOUND);
    m.closed(4404, Cause.AUTH_FAILED);
    m.batchStored(500, 500, 2_000_000);
    Pattern line =
        Pattern.compile(
            "# (HELP|TYPE) sotto_[a-z_]+ .+|sotto_[a-z_]+(\\{[a-z_]+=\"[^\"\\\\\\n]*\"(,[a-z_]+=\"[^\"\\\\\\n]*\")*\\})?"
                + " (\\d+|\\d+\\.\\d+)");
    for (String l : scrape(m, Map.of()).lines().toList()) {
      assertTrue(line.matcher(l).matches(), l);
    }
  }
}
