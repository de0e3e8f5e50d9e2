package chat.sotto.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads (and for timer tests, ages) the rows the server stored: the embedded H2 through its auto-server, or the
 * test PostgreSQL.
 */
public final class Database {
  private Database() {}

  public static Connection connect() throws SQLException {
    return DriverManager.getConnection(
        System.getProperty("sotto.db.url"),
        System.getProperty("sotto.db.user", "sotto"),
        System.getProperty("sotto.db.password", "sotto"));
  }

  public static long count(String sql, Object... params) {
    try (Connection c = connect();
        PreparedStatement ps = prepared(c, sql, params);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  public static int update(String sql, Object... params) {
    try (Connection c = connect();
        PreparedStatement ps = prepared(c, sql, params)) {
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  /** Every value of every column of every row of a table, as text. */
  public static List<String> dump(String table) {
    List<String> values = new ArrayList<>();
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table);
        ResultSet rs = ps.executeQuery()) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= columns; i++) {
          values.add(String.valueOf(rs.getObject(i)));
        }
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
    return values;
  }

  /** Which tables hold rows of a room, for a failure's message. */
  public static String rowsOfRoomByTable(String roomId) {
    return "rooms=" + count("SELECT COUNT(*) FROM rooms WHERE id = ?", roomId)
        + " sessions=" + count("SELECT COUNT(*) FROM sessions WHERE room_id = ?", roomId)
        + " messages=" + count("SELECT COUNT(*) FROM messages WHERE room_id = ?", roomId)
        + " rate_buckets=" + count("SELECT COUNT(*) FROM rate_buckets WHERE room_id = ?", roomId)
        + " files=" + count("SELECT COUNT(*) FROM files WHERE room_id = ?", roomId)
        + " file_chunks=" + count("SELECT COUNT(*) FROM file_chunks WHERE room_id = ?", roomId);
  }

  /** Rows that still mention a room, in every table that has room data. */
  public static long rowsOfRoom(String roomId) {
    return count("SELECT COUNT(*) FROM rooms WHERE id = ?", roomId)
        + count("SELECT COUNT(*) FROM sessions WHERE room_id = ?", roomId)
        + count("SELECT COUNT(*) FROM messages WHERE room_id = ?", roomId)
        + count("SELECT COUNT(*) FROM rate_buckets WHERE room_id = ?", roomId)
        + count("SELECT COUNT(*) FROM files WHERE room_id = ?", roomId)
        + count("SELECT COUNT(*) FROM file_chunks WHERE room_id = ?", roomId);
  }

  private static PreparedStatement prepared(Connection c, String sql, Object... params) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < params.length; i++) {
      ps.setObject(i + 1, params[i]);
    }
    return ps;
  }
}
