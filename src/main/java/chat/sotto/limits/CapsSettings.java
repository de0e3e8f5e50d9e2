package chat.sotto.limits;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Global caps on what anonymous clients can make the deployment keep (MicroProfile Config; environment variables
 * override): rooms, and bytes of stored envelopes per room and (with files) in all.
 */
@ApplicationScoped
public class CapsSettings {
  /**
   * The smallest per-room byte cap: a room trims to 7/8 of its cap, which must still hold a few of the largest
   * envelopes (a 16 KiB ciphertext is about 22,000 bytes as stored).
   */
  public static final long MIN_ROOM_BYTES = 128 * 1024;

  @Inject
  @ConfigProperty(name = "sotto.caps.max-rooms", defaultValue = "10000")
  long maxRooms;

  @Inject
  @ConfigProperty(name = "sotto.caps.room-bytes", defaultValue = "8388608")
  long roomBytes;

  /** The deployment byte cap when the database keeps its data on disk. */
  static final long DISK_TOTAL_BYTES = 2L * 1024 * 1024 * 1024;

  @Inject
  @ConfigProperty(name = "sotto.caps.total-bytes")
  Optional<Long> totalBytes;

  @Resource(lookup = "jdbc/sotto")
  DataSource dataSource;

  private volatile Long defaultTotalBytes;

  @Inject
  @ConfigProperty(name = "sotto.caps.total-refresh-seconds", defaultValue = "5")
  long totalRefreshSeconds;

  /** Rooms the deployment holds at most; creating one more is refused with {@code server_full}. */
  public long maxRooms() {
    return Math.max(1, maxRooms);
  }

  /** Bytes of envelopes one room keeps at most; beyond it, its oldest messages go. */
  public long roomBytes() {
    return Math.max(MIN_ROOM_BYTES, roomBytes);
  }

  /** Bytes of envelopes and files the deployment stores at most; at the cap, new messages, files and rooms are refused. */
  public long totalBytes() {
    return Math.max(1, totalBytes.orElseGet(this::defaultTotalBytes));
  }

  /**
   * Without a configured cap: 2 GiB on disk; with the embedded in-memory database (the default), a quarter of the
   * heap, since there every stored byte lives in the heap (with its row overhead) and a full deployment must not run
   * the node out of memory.
   */
  private long defaultTotalBytes() {
    Long known = defaultTotalBytes;
    if (known == null) {
      known = inMemoryDatabase() ? Runtime.getRuntime().maxMemory() / 4 : DISK_TOTAL_BYTES;
      defaultTotalBytes = known;
    }
    return known;
  }

  private boolean inMemoryDatabase() {
    try (Connection c = dataSource.getConnection()) {
      return c.getMetaData().getURL().startsWith("jdbc:h2:mem:");
    } catch (SQLException e) {
      return true; // unknown: the smaller cap is the safe one
    }
  }

  /** How long a node trusts its last reading of the deployment's stored bytes. */
  public long totalRefreshMillis() {
    return Math.max(1, totalRefreshSeconds) * 1000;
  }
}
