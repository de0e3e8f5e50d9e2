package chat.sotto.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  @Test
  void gaugesAndCountersHaveHelpTypeAndOneSample() {
    String text =
        new PrometheusText()
            .gauge("sotto_rooms", "Rooms here.", 3)
            .counter("sotto_joins_total", "Joins.", 42)
            .toString();
    assertEquals(
        """
        # HELP sotto_rooms Rooms here.
        # TYPE sotto_rooms gauge
        sotto_rooms 3
        # HELP sotto_joins_total Joins.
        # TYPE sotto_joins_total counter
        sotto_joins_total 42
        """,
        text);
  }

  @Test
  void labelledCountersWriteOneSamplePerLabelSetInTheGivenOrder() {
    Map<List<String>, Long> samples = new LinkedHashMap<>();
    samples.put(List.of("rest", "rate_limited"), 2L);
    samples.put(List.of("websocket", "too_large"), 1L);
    String text =
        new PrometheusText().counter("sotto_refusals_total", "Refusals.", List.of("edge", "reason"), samples).toString();
    assertEquals(
        """
        # HELP sotto_refusals_total Refusals.
        # TYPE sotto_refusals_total counter
        sotto_refusals_total{edge="rest",reason="rate_limited"} 2
        sotto_refusals_total{edge="websocket",reason="too_large"} 1
        """,
        text);
  }

  @Test
  void labelValuesEscapeBackslashQuoteAndLineFeed() {
    String text =
        new PrometheusText()
            .counter("x_total", "X.", List.of("v"), Map.of(List.of("a\\b\"c\nd"), 1L))
            .toString();
    assertEquals("x_total{v=\"a\\\\b\\\"c\\nd\"} 1", text.lines().toList().get(2));
  }

  @Test
  void helpTextEscapesBackslashAndLineFeed() {
    String text = new PrometheusText().gauge("x", "one\\two\nthree", 0).toString();
    assertEquals("# HELP x one\\\\two\\nthree", text.lines().findFirst().orElseThrow());
  }

  @Test
  void histogramsWriteCumulativeBucketsThenSumAndCount() {
    Histogram h = new Histogram(0.0005, 0.01, 1);
    h.record(0.000244140625); // powers of two: the sum is exact
    h.record(0.00390625);
    h.record(0.5);
    h.record(2);
    String text = new PrometheusText().histogram("sotto_store_seconds", "Store time.", h.snapshot()).toString();
    assertEquals(
        """
        # HELP sotto_store_seconds Store time.
        # TYPE sotto_store_seconds histogram
        sotto_store_seconds_bucket{le="0.0005"} 1
        sotto_store_seconds_bucket{le="0.01"} 2
        sotto_store_seconds_bucket{le="1"} 3
        sotto_store_seconds_bucket{le="+Inf"} 4
        sotto_store_seconds_sum 2.504150390625
        sotto_store_seconds_count 4
        """,
        text);
  }

  @Test
  void numbersAreWrittenWithoutExponentsOrNeedlessFractions() {
    assertEquals("5", PrometheusText.number(5.0));
    assertEquals("0.0005", PrometheusText.number(0.0005));
    assertEquals("2.5", PrometheusText.number(2.5));
    assertEquals("+Inf", PrometheusText.number(Double.POSITIVE_INFINITY));
    assertEquals("NaN", PrometheusText.number(Double.NaN));
  }

  @Test
  void invalidNamesAndMismatchedLabelsAreRefused() {
    PrometheusText text = new PrometheusText();
    assertThrows(IllegalArgumentException.class, () -> text.gauge("sotto-rooms", "x", 1));
    assertThrows(IllegalArgumentException.class, () -> text.counter("x_total", "x", List.of("le-x"), Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> text.counter("x_total", "x", List.of("a", "b"), Map.of(List.of("only one"), 1L)));
  }
}
