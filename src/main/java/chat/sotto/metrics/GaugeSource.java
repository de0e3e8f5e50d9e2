package chat.sotto.metrics;

import java.util.Map;

/**
 * A feature that holds what a {@link Gauge} reads (connections, queues). Asked only when {@code /metrics} is scraped,
 * so the feature's hot path pays nothing for it; a gauge that no source reads is 0.
 */
public interface GaugeSource {
  /** This source's readings now. */
  Map<Gauge, Long> readings();
}
