package chat.sotto.metrics;

/** The gauges of {@code /metrics}: readings of this node's state, taken when an operator scrapes. */
public enum Gauge {
  CONNECTIONS("sotto_connections", "Authenticated WebSocket connections (room members) on this node."),
  ROOMS("sotto_rooms", "Rooms with at least one connection on this node."),
  WRITER_QUEUE_DEPTH("sotto_writer_queue_depth", "Chat messages waiting for the group-commit writer."),
  QUEUED_SEND_BYTES(
      "sotto_queued_send_bytes", "Bytes queued for sending to this node's connections, writes in flight included.");

  private final String metricName;
  private final String help;

  Gauge(String metricName, String help) {
    this.metricName = metricName;
    this.help = help;
  }

  public String metricName() {
    return metricName;
  }

  public String help() {
    return help;
  }
}
