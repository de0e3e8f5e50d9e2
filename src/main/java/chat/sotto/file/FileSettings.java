package chat.sotto.file;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.limits.Limit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** File limits (MicroProfile Config; environment variables override). */
@ApplicationScoped
public class FileSettings {
  @Inject
  @ConfigProperty(name = "sotto.files.max-bytes", defaultValue = "26214400")
  long maxBytes;

  @Inject
  @ConfigProperty(name = "sotto.files.room-bytes", defaultValue = "104857600")
  long roomBytes;

  @Inject
  @ConfigProperty(name = "sotto.files.per-session-per-minute", defaultValue = "10")
  int perSessionPerMinute;

  @Inject
  @ConfigProperty(name = "sotto.files.per-room-per-minute", defaultValue = "30")
  int perRoomPerMinute;

  @Inject
  @ConfigProperty(name = "sotto.files.incomplete-minutes", defaultValue = "10")
  long incompleteMinutes;

  /** Plaintext bytes of the largest file accepted (an empty file is allowed too). */
  public long maxBytes() {
    return Math.max(0, maxBytes);
  }

  /** The most chunks a file may have: what the largest file needs (an empty file is one empty chunk). */
  public int maxChunks() {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ceilDiv(maxBytes(), FileShape.CHUNK_BYTES)));
  }

  /** Refuses a file larger than the server accepts (413 {@code file_too_large}). */
  public void admit(FileShape shape) {
    if (shape.plaintextBytes() > maxBytes() || shape.chunks() > maxChunks()) {
      throw new Refusal(Reason.FILE_TOO_LARGE);
    }
  }

  /**
   * Ciphertext bytes of files one room keeps at most (the oldest complete files go for a new one); never less than the
   * largest file, which must fit in a room on its own.
   */
  public long roomBytes() {
    return Math.max(roomBytes, maxBytes() + (long) FileShape.TAG_BYTES * maxChunks());
  }

  /** New files one session may begin. */
  public Limit perSession() {
    return perMinute(perSessionPerMinute);
  }

  /** New files all members of one room may begin together. */
  public Limit perRoom() {
    return perMinute(perRoomPerMinute);
  }

  /** How long an upload may take: an incomplete file older than this is deleted by the housekeeping timer. */
  public long incompleteMillis() {
    return Math.max(1, incompleteMinutes) * 60_000;
  }

  // A minute's worth at once, then one every 1/n minute.
  private static Limit perMinute(int n) {
    int rate = Math.max(1, n);
    return Limit.perMinute(rate, rate);
  }

  private static long ceilDiv(long a, long b) {
    return a / b + (a % b == 0 ? 0 : 1);
  }
}
