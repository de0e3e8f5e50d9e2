package chat.sotto.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Live while the JVM has heap headroom: below 95 % of the maximum after the last collection. */
@Liveness
@ApplicationScoped
public class HeapLiveness implements HealthCheck {
  @Override
  public HealthCheckResponse call() {
    Runtime rt = Runtime.getRuntime();
    long used = rt.totalMemory() - rt.freeMemory();
    return HealthCheckResponse.named("heap").status(used < rt.maxMemory() * 0.95).build();
  }
}
