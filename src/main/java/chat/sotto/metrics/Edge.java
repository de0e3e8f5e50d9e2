package chat.sotto.metrics;

/** Where a request was refused: the REST API, or the WebSocket (its handshake or its frames). */
public enum Edge {
  REST,
  WEBSOCKET;

  String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
