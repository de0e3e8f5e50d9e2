package chat.sotto.admission;

import chat.sotto.admission.ClientLimiter.Action;
import chat.sotto.limits.Limit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Per-client limits and the proxies to trust (MicroProfile Config; environment variables override). One client's
 * budget stays well below the deployment-wide ones in {@code RoomSettings}, so that no client can use those up.
 */
@ApplicationScoped
public class AdmissionSettings {
  @Inject
  @ConfigProperty(name = "sotto.trusted-proxies")
  Optional<String> trustedProxies;

  @Inject
  @ConfigProperty(name = "sotto.client-limits.max-clients", defaultValue = "100000")
  int maxClients;

  @Inject
  @ConfigProperty(name = "sotto.client-limits.rooms.per-minute", defaultValue = "10")
  double roomsPerMinute;

  @Inject
  @ConfigProperty(name = "sotto.client-limits.rooms.burst", defaultValue = "10")
  int roomsBurst;

  @Inject
  @ConfigProperty(name = "sotto.client-limits.sessions.per-minute", defaultValue = "60")
  double sessionsPerMinute;

  @Inject
  @ConfigProperty(name = "sotto.client-limits.sessions.burst", defaultValue = "30")
  int sessionsBurst;

  @Inject
  @ConfigProperty(name = "sotto.client-limits.handshakes.per-minute", defaultValue = "60")
  double handshakesPerMinute;

  @Inject
  @ConfigProperty(name = "sotto.client-limits.handshakes.burst", defaultValue = "30")
  int handshakesBurst;

  public TrustedProxies trustedProxies() {
    return trustedProxies.map(TrustedProxies::parse).orElse(TrustedProxies.none());
  }

  /** How many clients may hold a budget in memory at once (about 100 bytes each). */
  public int maxClients() {
    return maxClients;
  }

  public Map<Action, Limit> limits() {
    return Map.of(
        Action.CREATE_ROOM, Limit.perMinute(roomsPerMinute, roomsBurst),
        Action.JOIN_ROOM, Limit.perMinute(sessionsPerMinute, sessionsBurst),
        Action.HANDSHAKE, Limit.perMinute(handshakesPerMinute, handshakesBurst));
  }
}
