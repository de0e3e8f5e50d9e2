package chat.sotto.file;

import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of files and their chunks, on the caller's connection and transaction. Rows are locked in one order
 * everywhere, room row first, then file rows, so that concurrent uploads, deletions and trims cannot deadlock: whoever
 * deletes files holds the room's row, and a chunk upload locks only its file's row.
 */
final class FileRows {
  private static final String LOCK_ROOM = "SELECT file_bytes FROM rooms WHERE id = ? FOR UPDATE";
  private static final String SET_ROOM_BYTES = "UPDATE rooms SET file_bytes = ? WHERE id = ?";
  private static final String COLUMNS = "id, uploader_id, chunks, bytes, stored_chunks, stored_bytes, complete, created_at";
  private static final String OF_ROOM = "SELECT " + COLUMNS + " FROM files WHERE room_id = ? ORDER BY created_at, id";
  private static final String FIND = "SELECT " + COLUMNS + " FROM files WHERE id = ? AND room_id = ?";
  private static final String LOCK_FILE = "SELECT " + COLUMNS + " FROM files WHERE id = ? AND room_id = ? FOR UPDATE";
  private static final String INSERT =
      "INSERT INTO files (id, room_id, uploader_id, chunks, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)";
  private static final String CHUNK_EXISTS = "SELECT 1 FROM file_chunks WHERE file_id = ? AND chunk_index = ?";
  private static final String INSERT_CHUNK =
      "INSERT INTO file_chunks (file_id, room_id, chunk_index, data) VALUES (?, ?, ?, ?)";
  private static final String ADVANCE =
      "UPDATE files SET stored_chunks = stored_chunks + 1, stored_bytes = stored_bytes + ?, complete = ? WHERE id = ?";
  private static final String READ_CHUNK =
      "SELECT c.data FROM files f JOIN file_chunks c ON c.file_id = f.id"
          + " WHERE f.id = ? AND f.room_id = ? AND f.complete = TRUE AND c.chunk_index = ?";
  // A file's row goes first, on its own: a chunk upload in flight holds it, so once its deletion committed no chunk of
  // the file can be added, and the chunks follow in transactions of a few chunks each (#dropChunks).
  private static final String DELETE_FILE = "DELETE FROM files WHERE id = ?";
  private static final String PURGE_FILES = "DELETE FROM files WHERE room_id = ?";
  private static final String FIRST_CHUNKS =
      "SELECT chunk_index FROM file_chunks WHERE file_id = ? ORDER BY chunk_index";
  private static final String DROP_CHUNKS = "DELETE FROM file_chunks WHERE file_id = ? AND chunk_index <= ?";
  private static final String CHUNKED_FILES_OF_ROOM = "SELECT DISTINCT file_id FROM file_chunks WHERE room_id = ?";
  private static final String ORPHANED_CHUNKS =
      "SELECT DISTINCT file_id FROM file_chunks c WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.id = c.file_id)";
  private static final String ABANDONED =
      "SELECT id, room_id FROM files WHERE complete = FALSE AND created_at <= ? ORDER BY created_at";

  private FileRows() {}

  /** Locks the room's row; returns the bytes its files hold, or -1 when the room does not exist. */
  static long lockRoom(Connection c, RoomId room) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(LOCK_ROOM)) {
      s.setString(1, room.value());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }

  static void setRoomBytes(Connection c, RoomId room, long bytes) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(SET_ROOM_BYTES)) {
      s.setLong(1, bytes);
      s.setString(2, room.value());
      s.executeUpdate();
    }
  }

  /** The room's files, oldest first. */
  static List<StoredFile> ofRoom(Connection c, RoomId room) throws SQLException {
    List<StoredFile> files = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(OF_ROOM)) {
      s.setString(1, room.value());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          files.add(file(rs, room));
        }
      }
    }
    return files;
  }

  /** A file of the room, or null. */
  static StoredFile find(Connection c, RoomId room, FileId id) throws SQLException {
    return one(c, FIND, room, id);
  }

  /** A file of the room with its row locked until the transaction ends (a chunk upload), or null. */
  static StoredFile lock(Connection c, RoomId room, FileId id) throws SQLException {
    return one(c, LOCK_FILE, room, id);
  }

  static void insert(Connection c, FileId id, RoomId room, SessionId uploader, FileShape shape, long now)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(INSERT)) {
      s.setString(1, id.value());
      s.setString(2, room.value());
      s.setString(3, uploader.value());
      s.setInt(4, shape.chunks());
      s.setLong(5, shape.bytes());
      s.setLong(6, now);
      s.executeUpdate();
    }
  }

  static boolean chunkExists(Connection c, FileId id, ChunkIndex index) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CHUNK_EXISTS)) {
      s.setString(1, id.value());
      s.setInt(2, index.value());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Stores a chunk and counts it on its file (whose row the caller has locked); {@code complete}: it was the last. */
  static void addChunk(Connection c, StoredFile file, ChunkIndex index, byte[] data, boolean complete)
      throws SQLException {
    try (PreparedStatement insert = c.prepareStatement(INSERT_CHUNK);
        PreparedStatement advance = c.prepareStatement(ADVANCE)) {
      insert.setString(1, file.id().value());
      insert.setString(2, file.room().value());
      insert.setInt(3, index.value());
      insert.setBytes(4, data);
      insert.executeUpdate();
      advance.setLong(1, data.length);
      advance.setBoolean(2, complete);
      advance.setString(3, file.id().value());
      advance.executeUpdate();
    }
  }

  /** A chunk of a complete file of the room, or null. */
  static byte[] chunk(Connection c, RoomId room, FileId id, ChunkIndex index) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(READ_CHUNK)) {
      s.setString(1, id.value());
      s.setString(2, room.value());
      s.setInt(3, index.value());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    }
  }

  /**
   * Deletes a file's row (the caller holds the room's row and keeps its byte count). Its chunks stay until
   * {@link #dropChunks} takes them, after this transaction committed: a chunk of 1 MiB deleted is a 1 MiB old value
   * in the transaction's undo log, and H2's file store writes a commit's pages from one buffer.
   */
  static void delete(Connection c, FileId id) throws SQLException {
    try (PreparedStatement file = c.prepareStatement(DELETE_FILE)) {
      file.setString(1, id.value());
      file.executeUpdate();
    }
  }

  /** Deletes the rows of a room's files (the room is being deleted); their chunks are dropped after the commit. */
  static void purge(Connection c, RoomId room) throws SQLException {
    try (PreparedStatement files = c.prepareStatement(PURGE_FILES)) {
      files.setString(1, room.value());
      files.executeUpdate();
    }
  }

  /** Deletes up to {@code max} chunks of a file, the lowest first; returns how many went (0: none was left). */
  static int dropChunks(Connection c, FileId id, int max) throws SQLException {
    int last = -1;
    try (PreparedStatement s = c.prepareStatement(FIRST_CHUNKS)) {
      s.setString(1, id.value());
      s.setMaxRows(max);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          last = rs.getInt(1);
        }
      }
    }
    if (last < 0) {
      return 0;
    }
    try (PreparedStatement s = c.prepareStatement(DROP_CHUNKS)) {
      s.setString(1, id.value());
      s.setInt(2, last);
      return s.executeUpdate();
    }
  }

  /** The files of a room that still have chunks (the room's deletion committed and left them to drop). */
  static List<FileId> chunkedFiles(Connection c, RoomId room) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CHUNKED_FILES_OF_ROOM)) {
      s.setString(1, room.value());
      return fileIds(s, Integer.MAX_VALUE);
    }
  }

  /** Up to {@code max} files whose row is gone while chunks of them are left (a node stopped while it dropped them). */
  static List<FileId> orphaned(Connection c, int max) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(ORPHANED_CHUNKS)) {
      return fileIds(s, max);
    }
  }

  private static List<FileId> fileIds(PreparedStatement s, int max) throws SQLException {
    s.setMaxRows(max);
    List<FileId> ids = new ArrayList<>();
    try (ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        ids.add(new FileId(rs.getString(1)));
      }
    }
    return ids;
  }

  /** Up to {@code max} incomplete files begun at or before {@code before}, oldest first. */
  static List<Ref> abandoned(Connection c, long before, int max) throws SQLException {
    List<Ref> refs = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(ABANDONED)) {
      s.setLong(1, before);
      s.setMaxRows(max);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          refs.add(new Ref(new FileId(rs.getString(1)), new RoomId(rs.getString(2))));
        }
      }
    }
    return refs;
  }

  private static StoredFile one(Connection c, String sql, RoomId room, FileId id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, id.value());
      s.setString(2, room.value());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? file(rs, room) : null;
      }
    }
  }

  private static StoredFile file(ResultSet rs, RoomId room) throws SQLException {
    return new StoredFile(
        new FileId(rs.getString(1)),
        room,
        new SessionId(rs.getString(2)),
        new FileShape(rs.getInt(3), rs.getLong(4)),
        rs.getInt(5),
        rs.getLong(6),
        rs.getBoolean(7),
        rs.getLong(8));
  }

  /** A file and the room it belongs to. */
  record Ref(FileId id, RoomId room) {}
}
