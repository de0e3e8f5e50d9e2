package chat.sotto.message;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Takes the next {@code count} sequence numbers of a room in one statement: the room row's UPDATE locks it until the
 * transaction ends, so concurrent writers (on any node) get consecutive, non-overlapping ranges. Also records the
 * room's activity. The statement is the database's own form of "update and return".
 */
enum SeqAllocator {
  H2("SELECT last_seq FROM FINAL TABLE (UPDATE rooms SET last_seq = last_seq + ?, last_activity_at = ? WHERE id = ?)"),
  POSTGRESQL("UPDATE rooms SET last_seq = last_seq + ?, last_activity_at = ? WHERE id = ? RETURNING last_seq");

  private final String sql;

  SeqAllocator(String sql) {
    this.sql = sql;
  }

  /** The allocator for the database behind {@code c}. */
  static SeqAllocator of(Connection c) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName();
    return product.toLowerCase(java.util.Locale.ROOT).contains("postgres") ? POSTGRESQL : H2;
  }

  /** Advances the room by {@code count}; returns its new last seq, or -1 when the room does not exist. */
  long advance(Connection c, String roomId, int count, long now) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setInt(1, count);
      s.setLong(2, now);
      s.setString(3, roomId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }
}
