package chat.sotto.bench.stackfloor;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;

/** The stack floor's WebSocket endpoint. */
@ServerEndpoint("/ws")
public class EchoEndpoint {
  @OnMessage(maxMessageSize = 1024)
  public String echo(String text) {
    return text;
  }
}
