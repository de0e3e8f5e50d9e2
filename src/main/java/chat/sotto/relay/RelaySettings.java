package chat.sotto.relay;

import chat.sotto.limits.Limit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Relay settings (MicroProfile Config; environment variables override). */
@ApplicationScoped
public class RelaySettings {
  @Inject
  @ConfigProperty(name = "sotto.allowed-origins")
  Optional<String> allowedOrigins;

  @Inject
  @ConfigProperty(name = "sotto.relay.max-queued-bytes", defaultValue = "1048576")
  int maxQueuedBytes;

  @Inject
  @ConfigProperty(name = "sotto.relay.max-connections-per-session", defaultValue = "3")
  int maxConnectionsPerSession;

  @Inject
  @ConfigProperty(name = "sotto.relay.auth.per-second", defaultValue = "200")
  double authPerSecond;

  @Inject
  @ConfigProperty(name = "sotto.relay.auth.burst", defaultValue = "1000")
  int authBurst;

  @Inject
  @ConfigProperty(name = "sotto.relay.auth-timeout-seconds", defaultValue = "10")
  int authTimeoutSeconds;

  @Inject
  @ConfigProperty(name = "sotto.relay.idle-timeout-seconds", defaultValue = "120")
  int idleTimeoutSeconds;

  @Inject
  @ConfigProperty(name = "sotto.relay.send-timeout-seconds", defaultValue = "15")
  int sendTimeoutSeconds;

  @Inject
  @ConfigProperty(name = "sotto.relay.presence-delay-millis", defaultValue = "100")
  int presenceDelayMillis;

  /** Origins allowed to open the WebSocket; empty means only the server's own origin. */
  public List<String> allowedOrigins() {
    return allowedOrigins.map(s -> Arrays.stream(s.split(",")).map(String::trim).filter(o -> !o.isEmpty()).toList())
        .orElse(List.of());
  }

  /**
   * Bytes one connection may have queued, the message being written included. At least four of the largest chat
   * frames, so that the history replay (which fills half of it) always makes progress.
   */
  public int maxQueuedBytes() {
    return Math.max(4 * Frames.MAX_MESSAGE_FRAME_CHARS, maxQueuedBytes);
  }

  /** Sockets one session may hold open at once on a node (a few tabs of the same room). */
  public int maxConnectionsPerSession() {
    return Math.max(1, maxConnectionsPerSession);
  }

  /** Authentication attempts (token checks) one node makes: a token-guessing loop gets no more than this. */
  public Limit authLimit() {
    return Limit.perSecond(authPerSecond, authBurst);
  }

  public long authTimeoutMillis() {
    return authTimeoutSeconds * 1000L;
  }

  /**
   * How long one write to a client may take before the connection is cut (a client that stopped reading). The relay
   * enforces it itself, checking once a second ({@link StuckWrites}); it is also handed to the container.
   */
  public long sendTimeoutMillis() {
    return sendTimeoutSeconds * 1000L;
  }

  /** How long a room's presence change waits to be sent, so that a burst of joins and leaves costs one update. */
  public long presenceDelayMillis() {
    return presenceDelayMillis;
  }

  public long idleTimeoutMillis() {
    return idleTimeoutSeconds * 1000L;
  }
}
