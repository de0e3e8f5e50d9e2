package chat.sotto.call;

import chat.sotto.limits.Limit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** TURN and STUN settings; the shared secret comes from configuration (an environment variable), never a file. */
@ApplicationScoped
public class TurnSettings {
  @Inject
  @ConfigProperty(name = "sotto.turn.urls")
  Optional<String> turnUrls;

  @Inject
  @ConfigProperty(name = "sotto.turn.secret")
  Optional<String> secret;

  @Inject
  @ConfigProperty(name = "sotto.turn.ttl-seconds", defaultValue = "600")
  long ttlSeconds;

  @Inject
  @ConfigProperty(name = "sotto.turn.ice-per-minute", defaultValue = "6")
  double icePerMinute;

  @Inject
  @ConfigProperty(name = "sotto.turn.ice-burst", defaultValue = "10")
  int iceBurst;

  @Inject
  @ConfigProperty(name = "sotto.turn.ice-max-sessions", defaultValue = "100000")
  int iceMaxSessions;

  @Inject
  @ConfigProperty(name = "sotto.stun.urls")
  Optional<String> stunUrls;

  @Inject
  @ConfigProperty(name = "sotto.call.max-participants", defaultValue = "6")
  int maxParticipants;

  public List<String> turnUrls() {
    return split(turnUrls);
  }

  public List<String> stunUrls() {
    return split(stunUrls);
  }

  /** True when both TURN URLs and the shared secret are set. */
  public boolean turnConfigured() {
    return !turnUrls().isEmpty() && secret.filter(s -> !s.isBlank()).isPresent();
  }

  String secret() {
    return secret.orElseThrow();
  }

  /** How long a TURN credential lasts; the browser asks for a fresh one before it runs out. */
  public long ttlSeconds() {
    return ttlSeconds;
  }

  /**
   * How often one session may ask for ICE servers. A call asks once on joining and once per credential lifetime, and a
   * reconnect or a reload asks again: the burst covers those, the rate refuses a loop that mints credentials.
   */
  public Limit iceLimit() {
    return Limit.perMinute(icePerMinute, iceBurst);
  }

  /** How many sessions' request budgets this node keeps in memory at most (about 100 bytes each). */
  public int iceMaxSessions() {
    return iceMaxSessions;
  }

  public int maxParticipants() {
    return maxParticipants;
  }

  private static List<String> split(Optional<String> value) {
    return value.map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
        .orElse(List.of());
  }
}
