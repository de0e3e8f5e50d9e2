package chat.sotto.message;

import chat.sotto.limits.BucketKey;
import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Rows as RoomService and SessionStore leave them (a room or session and its message bucket), in plain SQL. */
final class MessageFixtures {
  private MessageFixtures() {}

  static void room(Connection c, String roomId) throws SQLException {
    update(c, "INSERT INTO rooms (id, created_at, last_activity_at, owner_session_id, last_seq) VALUES (?, 0, 0, 'o', 0)", roomId);
  }

  static void session(Connection c, String roomId, String sessionId) throws SQLException {
    update(
        c,
        "INSERT INTO sessions (id, room_id, token_hash, is_owner, created_at, max_counter, profile_counter)"
            + " VALUES (?, ?, ?, FALSE, 0, 0, 0)",
        sessionId,
        roomId,
        "h" + sessionId);
    update(
        c,
        "INSERT INTO rate_buckets (bucket_key, room_id, tat) VALUES (?, ?, 0)",
        BucketKey.sessionMessages(new SessionId(sessionId)).value(),
        roomId);
  }

  static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      return s.executeUpdate();
    }
  }
}
