package chat.sotto.message;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Takes the next {@code count} sequence numbers of a room in one statement: the room row's UPDATE locks it until the
 * transaction ends, so concurrent writers (on any node) get consecutive, non-overlapping ranges. The same statement
 * adds the bytes being stored to the room's counter and records the room's activity. The statement is the database's
 * own form of "update and return".
 */
enum SeqAllocator {
  H2(
      "SELECT last_seq, stored_bytes FROM FINAL TABLE (UPDATE rooms SET last_seq = last_seq + ?,"
          + " stored_bytes = stored_bytes + ?, last_activity_at = ? WHERE id = ?)"),
  POSTGRESQL(
      "UPDATE rooms SET last_seq = last_seq + ?, stored_bytes = stored_bytes + ?, last_activity_at = ? WHERE id = ?"
          + " RETURNING last_seq, stored_bytes");

  private final String sql;

  SeqAllocator(String sql) {
    this.sql = sql;
  }

  /** The allocator for the database behind {@code c}. */
  static SeqAllocator of(Connection c) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName();
    return product.toLowerCase(java.util.Locale.ROOT).contains("postgres") ? POSTGRESQL : H2;
  }

  /**
   * Advances the room by {@code count} messages of {@code bytes} in all; returns the room's new last seq and stored
   * bytes, or null when the room does not exist.
   */
  Advanced advance(Connection c, String roomId, int count, long bytes, long now) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setInt(1, count);
      s.setLong(2, bytes);
      s.setLong(3, now);
      s.setString(4, roomId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? new Advanced(rs.getLong(1), rs.getLong(2)) : null;
      }
    }
  }

  /** A room after an advance: its last seq and the bytes it stores, this batch's messages included. */
  record Advanced(long lastSeq, long storedBytes) {}
}
