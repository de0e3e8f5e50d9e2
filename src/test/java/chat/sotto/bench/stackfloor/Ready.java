package chat.sotto.bench.stackfloor;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the startup bean has stored its row, as Sotto is ready once its schema is. */
@Readiness
@ApplicationScoped
public class Ready implements HealthCheck {
  @Inject private Greeting greeting;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("stackfloor").status(greeting.text().startsWith("started")).build();
  }
}
