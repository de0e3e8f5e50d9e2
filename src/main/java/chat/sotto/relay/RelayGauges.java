package chat.sotto.relay;

import chat.sotto.metrics.Gauge;
import chat.sotto.metrics.GaugeSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * The relay's gauges for {@code /metrics}, read from the connections of this node when an operator scrapes: one
 * pass over them (as the send-timeout watchdog makes every second), nothing counted on the hot path.
 */
@ApplicationScoped
public class RelayGauges implements GaugeSource {
  @Inject LocalRooms local;

  @Override
  public Map<Gauge, Long> readings() {
    long[] connectionsAndBytes = new long[2];
    local.forEachMember(
        m -> {
          connectionsAndBytes[0]++;
          connectionsAndBytes[1] += m.queuedBytes();
        });
    return Map.of(
        Gauge.CONNECTIONS, connectionsAndBytes[0],
        Gauge.ROOMS, (long) local.roomCount(),
        Gauge.QUEUED_SEND_BYTES, connectionsAndBytes[1]);
  }
}
