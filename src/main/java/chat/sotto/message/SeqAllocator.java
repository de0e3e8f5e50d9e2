package chat.sotto.message;

import chat.sotto.limits.Limit;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Takes the next {@code count} sequence numbers of a room in one statement, together with the room's message tokens:
 * the room row's UPDATE locks it until the transaction ends, so concurrent writers (on any node) get consecutive,
 * non-overlapping ranges, and its WHERE clause is the room's rate limit (the GCRA rule of {@code TokenBatch}), so the
 * database enforces it across nodes. The same statement adds the bytes being stored to the room's counter and
 * records the room's activity (to the minute). The statement is the database's own form of "update and return".
 */
enum SeqAllocator {
  H2("SELECT last_seq, stored_bytes FROM FINAL TABLE (" + Sql.ADVANCE + ")"),
  POSTGRESQL(Sql.ADVANCE + " RETURNING last_seq, stored_bytes");

  /**
   * How old a room's recorded activity may get before a message records it again: the idle expiry (24 h) comes at most
   * this much early.
   */
  static final long ACTIVITY_GRAIN_MILLIS = 60_000;

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
   * Advances the room by {@code count} messages of {@code bytes} in all, if its rate {@code limit} admits them all at
   * {@code now}; returns the room's new last seq and stored bytes, or null when the room does not exist or does not
   * admit that many (then {@link #rate} tells which, and how many it does admit).
   */
  Advanced advance(Connection c, String roomId, int count, long bytes, Limit limit, long now) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setInt(1, count);
      s.setLong(2, bytes);
      s.setLong(3, now - ACTIVITY_GRAIN_MILLIS);
      s.setLong(4, now);
      s.setLong(5, now);
      s.setLong(6, count * limit.intervalMillis());
      s.setString(7, roomId);
      s.setLong(8, now);
      s.setLong(9, limit.admitsUntil(now) - (count - 1) * limit.intervalMillis());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? new Advanced(rs.getLong(1), rs.getLong(2)) : null;
      }
    }
  }

  /** The room's rate as stored now, or null when the room does not exist. */
  static Rate rate(Connection c, String roomId, Limit limit, long now) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(Sql.READ_TAT)) {
      s.setString(1, roomId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? new Rate(Math.max(rs.getLong(1), now), limit, now) : null;
      }
    }
  }

  /** A room after an advance: its last seq and the bytes it stores, this batch's messages included. */
  record Advanced(long lastSeq, long storedBytes) {}

  /** A room's message rate at {@code now}: its theoretical arrival time {@code tat} (not before now) and limit. */
  record Rate(long tat, Limit limit, long now) {
    /** How many messages the room admits now. */
    int admits() {
      long room = limit.admitsUntil(now) - tat;
      return room < 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, room / limit.intervalMillis() + 1);
    }

    /** Milliseconds until one more message is admitted, once {@code taken} more are taken now. */
    long retryAfter(int taken) {
      return limit.retryAfter(tat + taken * limit.intervalMillis(), now);
    }
  }

  private static final class Sql {
    // An idle room (TAT in the past) counts from now; k messages fit while the TAT after the first k-1 stays within
    // the burst allowance.
    // The activity moves only once it is a grain old: its index entry then moves once a minute, not once a batch.
    static final String ADVANCE =
        "UPDATE rooms SET last_seq = last_seq + ?, stored_bytes = stored_bytes + ?,"
            + " last_activity_at = CASE WHEN last_activity_at < ? THEN ? ELSE last_activity_at END,"
            + " message_tat = GREATEST(message_tat, ?) + ? WHERE id = ? AND GREATEST(message_tat, ?) <= ?";
    static final String READ_TAT = "SELECT message_tat FROM rooms WHERE id = ?";
  }
}
