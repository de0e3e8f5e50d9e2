package chat.sotto.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;
import chat.sotto.testsupport.Schemas;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The file rows on a real H2 database with the server's own schema migrations. */
class FileRowsTest {
  private static final RoomId ROOM_A = new RoomId("A".repeat(43));
  private static final RoomId ROOM_B = new RoomId("B".repeat(42) + "A");
  private static final SessionId ALICE = new SessionId("alice".repeat(4) + "aA");
  private static final FileShape TWO_CHUNKS = new FileShape(2, 1_000);

  private String url;
  private Connection c;

  @BeforeEach
  void database() throws SQLException {
    url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    Schemas.migrate(url);
    c = DriverManager.getConnection(url, "sa", "");
    for (RoomId room : List.of(ROOM_A, ROOM_B)) {
      update("INSERT INTO rooms (id, created_at, last_activity_at, owner_session_id, last_seq) VALUES (?, 0, 0, 'o', 0)", room.value());
    }
  }

  @AfterEach
  void close() throws SQLException {
    c.close();
  }

  @Test
  void aChunkIsServedOnlyOnceItsFileIsComplete() throws SQLException {
    FileId id = FileId.random();
    FileRows.insert(c, id, ROOM_A, ALICE, TWO_CHUNKS, 5);
    byte[] first = bytes(600, 1);
    FileRows.addChunk(c, FileRows.lock(c, ROOM_A, id), new ChunkIndex(0), first, false);
    assertNull(FileRows.chunk(c, ROOM_A, id, new ChunkIndex(0)), "incomplete");
    assertTrue(FileRows.chunkExists(c, id, new ChunkIndex(0)));
    assertFalse(FileRows.chunkExists(c, id, new ChunkIndex(1)));

    StoredFile half = FileRows.lock(c, ROOM_A, id);
    assertEquals(1, half.storedChunks());
    assertEquals(600, half.storedBytes());
    assertTrue(half.lastMissing() && half.canTake(400) && !half.canTake(401));
    FileRows.addChunk(c, half, new ChunkIndex(1), bytes(400, 2), true);

    assertTrue(FileRows.find(c, ROOM_A, id).complete());
    assertArrayEquals(first, FileRows.chunk(c, ROOM_A, id, new ChunkIndex(0)));
    assertNull(FileRows.chunk(c, ROOM_B, id, new ChunkIndex(0)), "not through another room");
    assertNull(FileRows.find(c, ROOM_B, id));
    assertNull(FileRows.chunk(c, ROOM_A, id, new ChunkIndex(2)));
  }

  @Test
  void deletingAFileTakesItsRowAtOnceAndItsChunksAFewPerCallAfterwards() throws SQLException {
    FileId gone = FileId.random();
    FileId kept = FileId.random();
    FileShape tenChunks = new FileShape(10, 10 * 500);
    for (FileId id : List.of(gone, kept)) {
      FileRows.insert(c, id, ROOM_A, ALICE, tenChunks, 5);
      for (int i = 0; i < 10; i++) {
        FileRows.addChunk(c, FileRows.lock(c, ROOM_A, id), new ChunkIndex(i), bytes(500, i), i == 9);
      }
    }
    FileRows.delete(c, gone);
    assertNull(FileRows.find(c, ROOM_A, gone));
    assertNull(FileRows.chunk(c, ROOM_A, gone, new ChunkIndex(0)), "a chunk left to drop is served to no one");
    assertEquals(List.of(gone), FileRows.orphaned(c, 10));

    assertEquals(4, FileRows.dropChunks(c, gone, 4));
    assertEquals(6, count("SELECT COUNT(*) FROM file_chunks WHERE file_id = ?", gone.value()));
    assertEquals(4, FileRows.dropChunks(c, gone, 4));
    assertEquals(2, FileRows.dropChunks(c, gone, 4));
    assertEquals(0, FileRows.dropChunks(c, gone, 4));
    assertEquals(List.of(), FileRows.orphaned(c, 10));
    assertEquals(10, count("SELECT COUNT(*) FROM file_chunks WHERE file_id = ?", kept.value()));
  }

  @Test
  void purgingARoomLeavesNoFileRowAndNamesTheFilesWhoseChunksAreToDrop() throws SQLException {
    FileId ofB = null;
    for (RoomId room : List.of(ROOM_A, ROOM_B)) {
      FileId id = FileId.random();
      ofB = id;
      FileRows.insert(c, id, room, ALICE, TWO_CHUNKS, 5);
      FileRows.addChunk(c, FileRows.lock(c, room, id), new ChunkIndex(1), bytes(16, 4), false);
    }
    FileRows.purge(c, ROOM_A);
    assertEquals(0, count("SELECT COUNT(*) FROM files WHERE room_id = ?", ROOM_A.value()));
    List<FileId> left = FileRows.chunkedFiles(c, ROOM_A);
    assertEquals(1, left.size());
    assertEquals(1, FileRows.dropChunks(c, left.get(0), 4));
    assertEquals(0, count("SELECT COUNT(*) FROM file_chunks WHERE room_id = ?", ROOM_A.value()));
    assertEquals(1, count("SELECT COUNT(*) FROM files WHERE room_id = ?", ROOM_B.value()));
    assertEquals(List.of(ofB), FileRows.chunkedFiles(c, ROOM_B));
  }

  @Test
  void aRoomsFilesComeOldestFirstAndAbandonedOnesAreTheOldIncompleteOnes() throws SQLException {
    FileId old = FileId.random();
    FileId young = FileId.random();
    FileId done = FileId.random();
    FileRows.insert(c, young, ROOM_A, ALICE, TWO_CHUNKS, 300);
    FileRows.insert(c, old, ROOM_A, ALICE, TWO_CHUNKS, 100);
    FileRows.insert(c, done, ROOM_A, ALICE, new FileShape(1, 16), 50);
    FileRows.addChunk(c, FileRows.lock(c, ROOM_A, done), new ChunkIndex(0), bytes(16, 5), true);

    assertEquals(List.of(done, old, young), FileRows.ofRoom(c, ROOM_A).stream().map(StoredFile::id).toList());
    assertEquals(List.of(new FileRows.Ref(old, ROOM_A)), FileRows.abandoned(c, 200, 10));
    assertEquals(List.of(), FileRows.abandoned(c, 99, 10));
  }

  @Test
  void aRoomsRowIsLockedWithItsFileBytesAndAMissingRoomSaysSo() throws SQLException {
    assertEquals(0, FileRows.lockRoom(c, ROOM_A));
    FileRows.setRoomBytes(c, ROOM_A, 1234);
    assertEquals(1234, FileRows.lockRoom(c, ROOM_A));
    assertEquals(0, count("SELECT stored_bytes FROM rooms WHERE id = ?", ROOM_A.value()), "messages' bytes apart");
    assertEquals(-1, FileRows.lockRoom(c, new RoomId("C".repeat(42) + "A")));
  }

  @Test
  void theMigrationGivesSessionsAndRoomsThatExistTheirFileBuckets() throws SQLException {
    String old = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    Schemas.migrate(old, 6);
    try (Connection before = DriverManager.getConnection(old, "sa", "")) {
      run(before, "INSERT INTO rooms (id, created_at, last_activity_at, owner_session_id, last_seq) VALUES (?, 0, 0, 'o', 0)", ROOM_A.value());
      run(
          before,
          "INSERT INTO sessions (id, room_id, token_hash, is_owner, created_at, max_counter, profile_counter)"
              + " VALUES (?, ?, 'h', TRUE, 0, 0, 0)",
          ALICE.value(),
          ROOM_A.value());
    }
    Schemas.migrate(old);
    try (Connection after = DriverManager.getConnection(old, "sa", "");
        PreparedStatement s = after.prepareStatement("SELECT bucket_key FROM rate_buckets WHERE room_id = ? ORDER BY bucket_key")) {
      s.setString(1, ROOM_A.value());
      try (ResultSet rs = s.executeQuery()) {
        assertTrue(rs.next());
        assertEquals("files:" + ALICE.value(), rs.getString(1));
        assertTrue(rs.next());
        assertEquals("room-files:" + ROOM_A.value(), rs.getString(1));
        assertFalse(rs.next());
      }
    }
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  private long count(String sql, Object... params) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private void update(String sql, Object... params) throws SQLException {
    run(c, sql, params);
  }

  private static void run(Connection on, String sql, Object... params) throws SQLException {
    try (PreparedStatement s = on.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      s.executeUpdate();
    }
  }
}
