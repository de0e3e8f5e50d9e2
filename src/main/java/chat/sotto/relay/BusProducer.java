package chat.sotto.relay;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Chooses the bus: {@code sotto.bus=local} (default, one node) or {@code redis} (several nodes). */
@ApplicationScoped
public class BusProducer {
  @Inject
  @ConfigProperty(name = "sotto.bus", defaultValue = "local")
  String kind;

  @Produces
  @ApplicationScoped
  RoomBus bus(Instance<InProcessBus> local, Instance<RedisBus> redis) {
    return switch (kind) {
      case "local" -> local.get();
      case "redis" -> redis.get();
      default -> throw new IllegalStateException("sotto.bus must be 'local' or 'redis'");
    };
  }

  /** True when several nodes share rooms through Redis. */
  public boolean clustered() {
    return "redis".equals(kind);
  }
}
