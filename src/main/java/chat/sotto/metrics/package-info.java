/**
 * Operators' view of a node: {@code /metrics} in the Prometheus text format, counts and histograms that carry no
 * identifiers (no room, session, token or address ever becomes a label). Off unless the operator sets a bearer
 * secret ({@code sotto.metrics.token}). Features report into {@link chat.sotto.metrics.RelayMetrics} with one
 * increment each, and offer readings taken at scrape time through {@link chat.sotto.metrics.GaugeSource}; this
 * package depends on none of them.
 */
package chat.sotto.metrics;
