package chat.sotto.relay;

import jakarta.inject.Inject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;

/** The room WebSocket at {@code /ws}: hands every event to the {@link Relay}. */
@ServerEndpoint("/ws")
public class RelayEndpoint {
  @Inject Relay relay;

  @OnOpen
  public void open(Session socket) {
    relay.opened(socket);
  }

  @OnMessage(maxMessageSize = Frames.MAX_FRAME_BYTES)
  public void text(Session socket, String frame) {
    relay.received(socket, frame);
  }

  @OnMessage(maxMessageSize = 1024)
  public void binary(Session socket, ByteBuffer frame) {
    relay.binary(socket);
  }

  @OnClose
  public void close(Session socket) {
    relay.closed(socket);
  }

  @OnError
  public void error(Session socket, Throwable error) {
    // Nothing to log: the error's detail could carry frame content. @OnClose follows and cleans up.
  }
}
