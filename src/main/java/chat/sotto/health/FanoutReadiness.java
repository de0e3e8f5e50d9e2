package chat.sotto.health;

import chat.sotto.relay.RoomBus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the fan-out engine delivers (always, in process; while subscribed, with Redis). */
@Readiness
@ApplicationScoped
public class FanoutReadiness implements HealthCheck {
  @Inject RoomBus bus;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("fan-out").status(bus.available()).build();
  }
}
