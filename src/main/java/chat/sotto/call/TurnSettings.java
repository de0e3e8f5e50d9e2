package chat.sotto.call;

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
  @ConfigProperty(name = "sotto.turn.ttl-seconds", defaultValue = "3600")
  long ttlSeconds;

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

  public long ttlSeconds() {
    return ttlSeconds;
  }

  public int maxParticipants() {
    return maxParticipants;
  }

  private static List<String> split(Optional<String> value) {
    return value.map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
        .orElse(List.of());
  }
}
