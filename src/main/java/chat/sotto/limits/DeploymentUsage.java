package chat.sotto.limits;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;

/**
 * Whether the deployment's stored bytes (messages and files) have reached their cap. The sum over all rooms is read
 * from the database at most once per refresh interval per node, not per message: between two readings the deployment
 * may overshoot the cap by what it stores in that interval, which a cap against filling the disk can afford. A file is
 * up to a thousand times larger than a message, so a node adds each file it admits to its reading until the next one.
 */
@ApplicationScoped
public class DeploymentUsage {
  private static final String STORED_BYTES = "SELECT COALESCE(SUM(stored_bytes + file_bytes), 0) FROM rooms";

  @Resource(lookup = "jdbc/sotto")
  DataSource dataSource;

  @Inject CapsSettings caps;
  @Inject Clock clock;

  private long readAt;
  private long storedBytes;
  private boolean read;

  /** True while the deployment stores its cap of bytes or more (as of the last reading). */
  public synchronized boolean storedBytesFull() {
    refreshIfDue();
    return storedBytes >= caps.totalBytes();
  }

  /**
   * Admits {@code bytes} more (a new file) if the deployment stays within its cap with them, and counts them on this
   * node until the next reading; false if they would pass it.
   */
  public synchronized boolean reserve(long bytes) {
    refreshIfDue();
    if (storedBytes + bytes > caps.totalBytes()) {
      return false;
    }
    storedBytes += bytes;
    return true;
  }

  private void refreshIfDue() {
    long now = clock.millis();
    if (!read || now - readAt >= caps.totalRefreshMillis()) {
      storedBytes = readStoredBytes();
      readAt = now;
      read = true;
    }
  }

  private long readStoredBytes() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(STORED_BYTES);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new PersistenceException("stored bytes unavailable", e);
    }
  }
}
