package chat.sotto.relay;

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
  @ConfigProperty(name = "sotto.relay.max-queued-frames", defaultValue = "1024")
  int maxQueuedFrames;

  @Inject
  @ConfigProperty(name = "sotto.relay.auth-timeout-seconds", defaultValue = "10")
  int authTimeoutSeconds;

  @Inject
  @ConfigProperty(name = "sotto.relay.idle-timeout-seconds", defaultValue = "120")
  int idleTimeoutSeconds;

  /** Origins allowed to open the WebSocket; empty means only the server's own origin. */
  public List<String> allowedOrigins() {
    return allowedOrigins.map(s -> Arrays.stream(s.split(",")).map(String::trim).filter(o -> !o.isEmpty()).toList())
        .orElse(List.of());
  }

  public int maxQueuedFrames() {
    return maxQueuedFrames;
  }

  public long authTimeoutMillis() {
    return authTimeoutSeconds * 1000L;
  }

  public long idleTimeoutMillis() {
    return idleTimeoutSeconds * 1000L;
  }
}
