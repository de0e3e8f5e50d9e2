package chat.sotto.message;

import chat.sotto.metrics.Gauge;
import chat.sotto.metrics.GaugeSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;

/** The group-commit writer's gauge for {@code /metrics}: envelopes waiting to be stored, read when scraped. */
@ApplicationScoped
public class WriterGauges implements GaugeSource {
  @Inject MessageWriter writer;

  @Override
  public Map<Gauge, Long> readings() {
    return Map.of(Gauge.WRITER_QUEUE_DEPTH, (long) writer.queued());
  }
}
