package chat.sotto.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's counters and histograms. Features call one method per event; each is a {@link LongAdder} increment
 * (or a histogram record, once per stored batch), without locks or allocation, since deliveries run at tens of
 * thousands per second on one core.
 *
 * <p>Labels carry no identifiers: a refusal's or a close's cause is an enum constant (a fixed set, never free text),
 * written as its lower-case name.
 */
@ApplicationScoped
public class RelayMetrics {
  /** Messages per group commit: one on a quiet node, up to {@code sotto.messages.batch-max} (500) under load. */
  static final double[] BATCH_SIZES = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

  /** Seconds to store one batch (its transaction, commit included). */
  static final double[] STORE_SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

  private final LongAdder deliveries = new LongAdder();
  private final LongAdder stored = new LongAdder();
  private final LongAdder joins = new LongAdder();
  private final LongAdder files = new LongAdder();
  private final LongAdder fileBytes = new LongAdder();
  private final Map<Edge, ConcurrentHashMap<Enum<?>, LongAdder>> refusals = new EnumMap<>(Edge.class);
  private final ConcurrentHashMap<Enum<?>, Closes> closes = new ConcurrentHashMap<>();
  private final Histogram batchSizes = new Histogram(BATCH_SIZES);
  private final Histogram storeSeconds = new Histogram(STORE_SECONDS);

  public RelayMetrics() {
    for (Edge edge : Edge.values()) {
      refusals.put(edge, new ConcurrentHashMap<>());
    }
  }

  /** A chat message's frame was queued for one member (live or from history). */
  public void delivered() {
    deliveries.increment();
  }

  /** Chat message frames queued for members, {@code count} at once. */
  public void delivered(int count) {
    deliveries.add(count);
  }

  /** A WebSocket authenticated and joined its room on this node. */
  public void joined() {
    joins.increment();
  }

  /**
   * One group commit: {@code size} envelopes in one transaction that took {@code nanos}, of which {@code newlyStored}
   * became new messages (the others were resends of stored ones, or refused).
   */
  public void batchStored(int size, int newlyStored, long nanos) {
    stored.add(newlyStored);
    batchSizes.record(size);
    storeSeconds.record(nanos / (double) TimeUnit.SECONDS.toNanos(1));
  }

  /** A chunk of a file was stored ({@code bytes} of ciphertext); {@code fileComplete}: it was the file's last. */
  public void fileChunkStored(long bytes, boolean fileComplete) {
    fileBytes.add(bytes);
    if (fileComplete) {
      files.increment();
    }
  }

  /** A request or frame refused on purpose at {@code edge}, for {@code reason} (an enum constant, never free text). */
  public void refused(Edge edge, Enum<?> reason) {
    ConcurrentHashMap<Enum<?>, LongAdder> byReason = refusals.get(edge);
    LongAdder count = byReason.get(reason);
    if (count == null) {
      count = byReason.computeIfAbsent(reason, r -> new LongAdder());
    }
    count.increment();
  }

  /** The relay closed a WebSocket with close code {@code code}, for {@code cause} (an enum constant). */
  public void closed(int code, Enum<?> cause) {
    Closes count = closes.get(cause);
    if (count == null) {
      count = closes.computeIfAbsent(cause, c -> new Closes(code, new LongAdder()));
    }
    count.count().increment();
  }

  /** Writes every metric, the gauges from {@code gauges} (a gauge missing there reads 0). */
  public void writeTo(PrometheusText out, Map<Gauge, Long> gauges) {
    for (Gauge g : Gauge.values()) {
      out.gauge(g.metricName(), g.help(), gauges.getOrDefault(g, 0L));
    }
    out.counter("sotto_joins_total", "WebSockets that authenticated and joined a room on this node.", joins.sum());
    out.counter(
        "sotto_deliveries_total",
        "Chat message frames queued for members of this node (live and history replay).",
        deliveries.sum());
    out.counter("sotto_messages_stored_total", "Chat messages stored (resends of stored ones excluded).", stored.sum());
    out.counter("sotto_files_stored_total", "Files whose every chunk was stored.", files.sum());
    out.counter("sotto_file_bytes_stored_total", "Bytes of file chunks stored (ciphertext).", fileBytes.sum());
    // causes of two enums may share a name (Reason.UNAVAILABLE, CloseCode.UNAVAILABLE): one series each label set
    Map<List<String>, Long> refused = sorted();
    refusals.forEach(
        (edge, byReason) ->
            byReason.forEach((reason, n) -> refused.merge(List.of(edge.label(), label(reason)), n.sum(), Long::sum)));
    out.counter(
        "sotto_refusals_total",
        "Requests and frames refused on purpose, by edge and reason.",
        List.of("edge", "reason"),
        refused);
    Map<List<String>, Long> closed = sorted();
    closes.forEach(
        (cause, c) -> closed.merge(List.of(Integer.toString(c.code()), label(cause)), c.count().sum(), Long::sum));
    out.counter(
        "sotto_websocket_closes_total",
        "WebSockets the relay closed, by close code and cause.",
        List.of("code", "reason"),
        closed);
    out.histogram("sotto_writer_batch_size", "Chat messages stored per group commit.", batchSizes.snapshot());
    out.histogram("sotto_store_seconds", "Seconds to store one group commit.", storeSeconds.snapshot());
  }

  private static String label(Enum<?> cause) {
    return cause.name().toLowerCase(Locale.ROOT);
  }

  private static Map<List<String>, Long> sorted() {
    return new TreeMap<>(Comparator.comparing((List<String> l) -> String.join("\u0000", l)));
  }

  private record Closes(int code, LongAdder count) {}
}
