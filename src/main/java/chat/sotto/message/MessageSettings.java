package chat.sotto.message;

import chat.sotto.limits.Limit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Message limits (MicroProfile Config; environment variables override). */
@ApplicationScoped
public class MessageSettings {
  /** Largest chat ciphertext accepted: a 4,000-character message with its nickname fits with room to spare. */
  public static final int MAX_CIPHERTEXT_BYTES = 16_384;

  @Inject
  @ConfigProperty(name = "sotto.room.history-limit", defaultValue = "1000")
  int historyLimit;

  @Inject
  @ConfigProperty(name = "sotto.limits.messages.per-second", defaultValue = "5")
  double perSecond;

  @Inject
  @ConfigProperty(name = "sotto.limits.messages.burst", defaultValue = "20")
  int burst;

  @Inject
  @ConfigProperty(name = "sotto.limits.room-messages.per-second", defaultValue = "50")
  double roomPerSecond;

  @Inject
  @ConfigProperty(name = "sotto.limits.room-messages.burst", defaultValue = "100")
  int roomBurst;

  @Inject
  @ConfigProperty(name = "sotto.messages.writers", defaultValue = "1")
  int writers;

  @Inject
  @ConfigProperty(name = "sotto.messages.batch-max", defaultValue = "500")
  int batchMax;

  @Inject
  @ConfigProperty(name = "sotto.messages.writer-queue", defaultValue = "20000")
  int writerQueue;

  /** Threads that store messages (group commit); each room belongs to one of them. */
  public int writers() {
    return Math.max(1, writers);
  }

  /** Most envelopes stored in one transaction. */
  public int batchMax() {
    return Math.max(1, batchMax);
  }

  /** Envelopes that may wait for each writer before new ones are refused as unavailable. */
  public int writerQueue() {
    return Math.max(1, writerQueue);
  }

  /** Messages kept per room; older ones are deleted as new ones arrive. */
  public int historyLimit() {
    return historyLimit;
  }

  /** Messages one session may send. */
  public Limit perSession() {
    return Limit.perSecond(perSecond, burst);
  }

  /** Messages all members of one room may send together. */
  public Limit perRoom() {
    return Limit.perSecond(roomPerSecond, roomBurst);
  }
}
