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
  @ConfigProperty(name = "sotto.limits.message-bytes.per-second", defaultValue = "16384")
  double bytesPerSecond;

  @Inject
  @ConfigProperty(name = "sotto.limits.message-bytes.burst", defaultValue = "65536")
  int bytesBurst;

  @Inject
  @ConfigProperty(name = "sotto.limits.room-message-bytes.per-second", defaultValue = "65536")
  double roomBytesPerSecond;

  @Inject
  @ConfigProperty(name = "sotto.limits.room-message-bytes.burst", defaultValue = "262144")
  int roomBytesBurst;

  @Inject
  @ConfigProperty(name = "sotto.messages.writers", defaultValue = "1")
  int writers;

  @Inject
  @ConfigProperty(name = "sotto.messages.batch-max", defaultValue = "500")
  int batchMax;

  @Inject
  @ConfigProperty(name = "sotto.messages.writer-queue", defaultValue = "20000")
  int writerQueue;

  @Inject
  @ConfigProperty(name = "sotto.messages.writer-queue-bytes", defaultValue = "67108864")
  long writerQueueBytes;

  @Inject
  @ConfigProperty(name = "sotto.messages.room-queue-bytes", defaultValue = "1048576")
  long roomQueueBytes;

  @Inject
  @ConfigProperty(name = "sotto.messages.batch-max-bytes", defaultValue = "131072")
  long batchMaxBytes;

  @Inject
  @ConfigProperty(name = "sotto.messages.linger-millis", defaultValue = "10")
  int lingerMillis;

  @Inject
  @ConfigProperty(name = "sotto.messages.linger-min-batch", defaultValue = "8")
  int lingerMinBatch;

  /**
   * Under load, how long a batch may gather after the previous one began: fewer, larger transactions, and each
   * connection gets the frames of a batch in one write. 0 turns it off.
   */
  public long lingerNanos() {
    return java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(Math.max(0, Math.min(100, lingerMillis)));
  }

  /**
   * The load at which batches linger: a batch of at least this many envelopes. Below it (a quiet node) a batch is
   * stored as soon as its first envelope arrives, so a lone message never waits.
   */
  public int lingerMinBatch() {
    return Math.max(1, lingerMinBatch);
  }

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

  /** Bytes of envelopes that may wait for each writer. */
  public long writerQueueBytes() {
    return Math.max(MAX_CIPHERTEXT_BYTES * 2L, writerQueueBytes);
  }

  /** Bytes of one room's envelopes that may wait for its writer: a flooding room is refused before it fills more. */
  public long roomQueueBytes() {
    return Math.max(MAX_CIPHERTEXT_BYTES * 2L, roomQueueBytes);
  }

  /**
   * Bytes after which a batch takes no more envelopes: a batch of large envelopes then commits in tens of
   * milliseconds, so the envelope of a quiet room never waits long behind it.
   */
  public long batchMaxBytes() {
    return Math.max(1, batchMaxBytes);
  }

  /** Messages kept per room; older ones are deleted as new ones arrive. */
  public int historyLimit() {
    return historyLimit;
  }

  /** Messages one session may send. */
  public Limit perSession() {
    return Limit.perSecond(perSecond, burst);
  }

  /**
   * Kibibytes of envelopes one session may send (checked in each node's memory): small messages never reach it, a
   * stream of the largest ones is slowed to what the node can store for everyone.
   */
  public Limit sessionKibibytes() {
    return Limit.perSecond(bytesPerSecond / 1024, Math.max(1, bytesBurst / 1024));
  }

  /** Kibibytes of envelopes all members of one room may send together (checked in each node's memory). */
  public Limit roomKibibytes() {
    return Limit.perSecond(roomBytesPerSecond / 1024, Math.max(1, roomBytesBurst / 1024));
  }

  /** Messages all members of one room may send together. */
  public Limit perRoom() {
    return Limit.perSecond(roomPerSecond, roomBurst);
  }
}
