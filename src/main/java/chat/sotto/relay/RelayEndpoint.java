package chat.sotto.relay;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The room WebSocket at {@code /ws}: hands every event to the {@link Relay}. One instance serves every connection
 * (it keeps no state of its own; see {@link SharedInstance}).
 */
@ServerEndpoint(value = "/ws", configurator = RelayEndpoint.SharedInstance.class)
public class RelayEndpoint {
  private static final Logger LOG = Logger.getLogger(RelayEndpoint.class.getName());

  private final Relay relay;

  /** The container checks for this constructor; connections get the {@link SharedInstance}. */
  public RelayEndpoint() {
    this(CDI.current().select(Relay.class).get());
  }

  private RelayEndpoint(Relay relay) {
    this.relay = relay;
  }

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

  /**
   * Hands the same endpoint to every connection, as the Jakarta WebSocket API allows. The container's default makes a
   * new instance per connection through the CDI injection engine, and each instance looked the relay up again: about
   * a tenth of the CPU of a WebSocket's handshake and authentication, for an object that holds one reference.
   */
  public static final class SharedInstance extends ServerEndpointConfig.Configurator {
    private volatile RelayEndpoint endpoint;

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
      if (endpointClass != RelayEndpoint.class) {
        throw new InstantiationException("not the relay endpoint: " + endpointClass.getName());
      }
      RelayEndpoint shared = endpoint;
      if (shared == null) {
        // A race creates two, both bound to the same application-scoped relay: harmless.
        shared = new RelayEndpoint(CDI.current().select(Relay.class).get());
        endpoint = shared;
      }
      return endpointClass.cast(shared);
    }
  }
}
