package chat.sotto.relay;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The room WebSocket at {@code /ws}: hands every event to the {@link Relay}. */
@ServerEndpoint("/ws")
public class RelayEndpoint {
  private static final Logger LOG = Logger.getLogger(RelayEndpoint.class.getName());

  private final Relay relay = CDI.current().select(Relay.class).get();

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
    // Only the type: an error's message could carry frame content. @OnClose follows and cleans up.
    LOG.log(Level.WARNING, "websocket error: {0}", error.getClass().getName());
  }
}
