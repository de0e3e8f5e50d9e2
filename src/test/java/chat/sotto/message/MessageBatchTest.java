package chat.sotto.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.limits.Limit;
import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;
import chat.sotto.testsupport.Schemas;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Group commit of chat envelopes on a real H2 database with the server's own schema migrations. */
class MessageBatchTest {
  private static final String ROOM_A = "A".repeat(43);
  private static final String ROOM_B = "B".repeat(42) + "A";
  private static final String ALICE = "alice".repeat(4) + "aA";
  private static final String BOB = "bob".repeat(7) + "A";
  private static final String CAROL = "carol".repeat(4) + "cA";
  private static final String IV = "oKGio6Slpqeoqaqr";
  private static final Limit GENEROUS = new Limit(1, 1_000_000);
  private static final long NOW = 1_000_000;

  private Connection c;

  @BeforeEach
  void database() throws SQLException {
    String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    Schemas.migrate(url);
    c = DriverManager.getConnection(url, "sa", "");
    c.setAutoCommit(false);
    MessageFixtures.room(c, ROOM_A);
    MessageFixtures.room(c, ROOM_B);
    MessageFixtures.session(c, ROOM_A, ALICE);
    MessageFixtures.session(c, ROOM_A, BOB);
    MessageFixtures.session(c, ROOM_B, CAROL);
    c.commit();
  }

  @AfterEach
  void close() throws SQLException {
    c.close();
  }

  @Test
  void aBatchGivesEachRoomDenseSeqsInArrivalOrder() throws SQLException {
    Object[] first = store(writer(GENEROUS, GENEROUS), item(ROOM_A, ALICE, 1), item(ROOM_B, CAROL, 1), item(ROOM_A, BOB, 1));
    Object[] second = store(writer(GENEROUS, GENEROUS), item(ROOM_A, BOB, 2), item(ROOM_A, ALICE, 2));

    assertEquals(List.of(1L, 1L, 2L, 3L, 4L), seqs(first[0], first[1], first[2], second[0], second[1]));
    assertEquals(List.of(1L, 2L, 3L, 4L), storedSeqs(ROOM_A));
    assertEquals(4, lastSeq(ROOM_A), "the room row holds the last seq");
  }

  @Test
  void aResendOfAStoredCounterReturnsTheStoredMessageAndStoresNothing() throws SQLException {
    Object[] first = store(writer(GENEROUS, GENEROUS), item(ROOM_A, ALICE, 7));
    Object[] again = store(writer(GENEROUS, GENEROUS), item(ROOM_A, ALICE, envelope(7, ciphertext(99)), true));

    Stored resend = assertInstanceOf(Stored.class, again[0]);
    assertTrue(resend.duplicate());
    assertEquals(((Stored) first[0]).message().seq(), resend.message().seq());
    assertEquals(ciphertext(7), resend.message().ciphertext(), "the stored envelope, not the resent one");
    assertEquals(List.of(1L), storedSeqs(ROOM_A));
  }

  @Test
  void theSameCounterTwiceInOneBatchIsStoredOnce() throws SQLException {
    Object[] out = store(writer(GENEROUS, GENEROUS), item(ROOM_A, ALICE, 3), item(ROOM_A, ALICE, envelope(3, ciphertext(98)), true));

    assertFalse(((Stored) out[0]).duplicate());
    assertTrue(((Stored) out[1]).duplicate());
    assertEquals(((Stored) out[0]).message().seq(), ((Stored) out[1]).message().seq());
    assertEquals(List.of(1L), storedSeqs(ROOM_A));
  }

  @Test
  void aSenderBeyondItsBurstIsRefusedWithARetryHintWhileOthersAreStored() throws SQLException {
    Limit threePerSecondBurstTwo = Limit.perSecond(3, 2);
    Object[] out =
        store(
            writer(threePerSecondBurstTwo, GENEROUS),
            item(ROOM_A, ALICE, 1),
            item(ROOM_A, ALICE, 2),
            item(ROOM_A, ALICE, 3),
            item(ROOM_A, BOB, 1));

    assertInstanceOf(Stored.class, out[0]);
    assertInstanceOf(Stored.class, out[1]);
    Refusal refused = assertInstanceOf(Refusal.class, out[2]);
    assertEquals(Reason.RATE_LIMITED, refused.reason());
    assertEquals(333, refused.retryAfterMillis(), "one token comes back after 1/3 s");
    assertEquals(List.of(1L, 2L, 3L), seqs(out[0], out[1], out[3]), "no seq is skipped for the refused one");
  }

  @Test
  void theRoomLimitCountsEveryMemberAndTheBucketKeepsItsStateAcrossBatches() throws SQLException {
    Limit roomBurstThree = Limit.perSecond(10, 3);
    Object[] first = store(writer(GENEROUS, roomBurstThree), item(ROOM_A, ALICE, 1), item(ROOM_A, BOB, 1));
    Object[] second = store(writer(GENEROUS, roomBurstThree), item(ROOM_A, ALICE, 2), item(ROOM_A, BOB, 2));

    assertInstanceOf(Stored.class, first[0]);
    assertInstanceOf(Stored.class, first[1]);
    assertInstanceOf(Stored.class, second[0]);
    assertEquals(Reason.RATE_LIMITED, assertInstanceOf(Refusal.class, second[1]).reason());
    Object[] later = store(writer(GENEROUS, roomBurstThree, NOW + 100), item(ROOM_A, BOB, 2));
    assertInstanceOf(Stored.class, later[0], "a token is back after 100 ms");
  }

  @Test
  void aRoomThatAdmitsPartOfABatchStoresTheEarliestAndRefusesTheRestWithARetryHint() throws SQLException {
    Limit roomBurstThree = Limit.perSecond(10, 3);
    Object[] out =
        store(
            writer(GENEROUS, roomBurstThree),
            item(ROOM_A, ALICE, 1),
            item(ROOM_B, CAROL, 1),
            item(ROOM_A, BOB, 1),
            item(ROOM_A, ALICE, 2),
            item(ROOM_A, BOB, 2),
            item(ROOM_A, ALICE, 3));

    assertEquals(List.of(1L, 1L, 2L, 3L), seqs(out[0], out[1], out[2], out[3]), "the room's first three, in order");
    for (int refused : new int[] {4, 5}) {
      Refusal r = assertInstanceOf(Refusal.class, out[refused]);
      assertEquals(Reason.RATE_LIMITED, r.reason());
      assertEquals(100, r.retryAfterMillis(), "the next token is 100 ms away");
    }
    assertEquals(List.of(1L, 2L, 3L), storedSeqs(ROOM_A));
    assertEquals(3, lastSeq(ROOM_A), "only the stored ones took seqs");
    assertEquals(bytesOfMessages(ROOM_A), storedBytes(ROOM_A), "and only their bytes count");
  }

  @Test
  void theMigrationMovesRoomRatesOntoTheRoomRows() throws SQLException {
    String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    Schemas.migrate(url, 4);
    try (Connection old = DriverManager.getConnection(url, "sa", "")) {
      MessageFixtures.update(
          old, "INSERT INTO rooms (id, created_at, last_activity_at, owner_session_id, last_seq) VALUES (?, 0, 0, 'o', 0)", ROOM_A);
      MessageFixtures.update(old, "INSERT INTO rate_buckets (bucket_key, room_id, tat) VALUES (?, ?, 5)", "room-msg:" + ROOM_A, ROOM_A);
      MessageFixtures.update(old, "INSERT INTO rate_buckets (bucket_key, room_id, tat) VALUES (?, ?, 5)", "join:" + ROOM_A, ROOM_A);
    }
    // up to version 5, the one under test (later versions add buckets of their own)
    Schemas.migrate(url, 5);

    try (Connection upgraded = DriverManager.getConnection(url, "sa", "")) {
      assertEquals(List.of(0L), longs(upgraded, "SELECT message_tat FROM rooms WHERE id = ?", ROOM_A));
      assertEquals(
          List.of(1L), longs(upgraded, "SELECT COUNT(*) FROM rate_buckets WHERE room_id = ?", ROOM_A), "only the join bucket");
    }
  }

  @Test
  void aMessageRecordsTheRoomsActivityToTheMinute() throws SQLException {
    store(writer(GENEROUS, GENEROUS, NOW), item(ROOM_A, ALICE, 1));
    assertEquals(NOW, lastActivity(ROOM_A));
    store(writer(GENEROUS, GENEROUS, NOW + 59_000), item(ROOM_A, ALICE, 2));
    assertEquals(NOW, lastActivity(ROOM_A), "within the minute: the row's activity (and its index entry) stay");
    store(writer(GENEROUS, GENEROUS, NOW + 61_000), item(ROOM_A, ALICE, 3));
    assertEquals(NOW + 61_000, lastActivity(ROOM_A));
  }

  @Test
  void aDeletedRoomRefusesItsEnvelopesAndTheBatchGoesOnForOtherRooms() throws SQLException {
    MessageFixtures.update(c, "DELETE FROM rate_buckets WHERE room_id = ?", ROOM_A);
    MessageFixtures.update(c, "DELETE FROM rooms WHERE id = ?", ROOM_A);
    c.commit();

    Object[] out = store(writer(GENEROUS, GENEROUS), item(ROOM_A, ALICE, 1), item(ROOM_B, CAROL, 1));

    assertEquals(Reason.ROOM_NOT_FOUND, assertInstanceOf(Refusal.class, out[0]).reason());
    assertEquals(1, assertInstanceOf(Stored.class, out[1]).message().seq());
  }

  @Test
  void historyIsTrimmedToItsLimitAndTheTrimmedSendersCountersAreKept() throws SQLException {
    int limit = 150;
    MessageBatch writer = new MessageBatch(SeqAllocator.H2, GENEROUS, GENEROUS, limit, Long.MAX_VALUE, false);
    List<MessageBatch.Item> items = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      items.add(item(ROOM_A, BOB, 1000 + i));
    }
    for (int i = 1; i <= 290; i++) {
      items.add(item(ROOM_A, ALICE, i));
    }
    writer.store(c, items.subList(0, 100), NOW);
    writer.store(c, items.subList(100, 200), NOW);
    writer.store(c, items.subList(200, 300), NOW);
    c.commit();

    List<Long> kept = storedSeqs(ROOM_A);
    assertEquals(150, kept.size(), "trimmed once the seq passed 200: " + kept.size() + " kept");
    assertEquals(151, kept.get(0));
    assertEquals(300, kept.get(kept.size() - 1));
    assertEquals(1010, maxCounter(BOB), "Bob's messages are gone; his highest counter stays on his session");
    assertEquals(bytesOfMessages(ROOM_A), storedBytes(ROOM_A), "the trim subtracted what it deleted");
  }

  @Test
  void theRoomCountsTheBytesItStoresAsItsMessagesAreStored() throws SQLException {
    store(writer(GENEROUS, GENEROUS), item(ROOM_A, ALICE, 1), item(ROOM_B, CAROL, 1), item(ROOM_A, BOB, 1));
    store(writer(GENEROUS, GENEROUS), bigItem(ROOM_A, ALICE, 2, 1000));

    assertEquals(2 * (16 + 40) + 16 + 1000, storedBytes(ROOM_A), "IV and ciphertext as stored");
    assertEquals(16 + 40, storedBytes(ROOM_B));
    assertEquals(bytesOfMessages(ROOM_A), storedBytes(ROOM_A));
  }

  @Test
  void aRoomBeyondItsByteCapDropsItsOldestMessagesAndKeepsStoringNewOnes() throws SQLException {
    long cap = 10 * 1016;
    for (int counter = 1; counter <= 30; counter++) {
      MessageBatch writer = new MessageBatch(SeqAllocator.H2, GENEROUS, GENEROUS, 1000, cap, false);
      Object[] out = store(writer, bigItem(ROOM_A, counter % 2 == 0 ? ALICE : BOB, counter, 1000));

      assertEquals(counter, assertInstanceOf(Stored.class, out[0]).message().seq(), "every message is stored");
      assertTrue(storedBytes(ROOM_A) <= cap, "at most the cap after message " + counter);
      assertEquals(bytesOfMessages(ROOM_A), storedBytes(ROOM_A), "the counter matches the rows");
    }
    List<Long> kept = storedSeqs(ROOM_A);
    assertEquals(30, kept.get(kept.size() - 1), "the newest stays");
    assertEquals(kept.get(0) + kept.size() - 1, kept.get(kept.size() - 1), "history stays contiguous");
    assertTrue(kept.size() >= 8 && kept.size() <= 10, "trimmed to 7/8 of the cap, then refilled: " + kept.size());
    long firstKept = kept.get(0);
    long bobsLastTrimmed = (firstKept - 1) % 2 == 1 ? firstKept - 1 : firstKept - 2; // Bob sent the odd counters
    assertEquals(bobsLastTrimmed, maxCounter(BOB), "Bob's highest trimmed counter stays on his session");
  }

  @Test
  void aFullDeploymentRefusesNewEnvelopesButStillAcknowledgesResends() throws SQLException {
    store(writer(GENEROUS, GENEROUS), item(ROOM_A, ALICE, 1));
    MessageBatch full = new MessageBatch(SeqAllocator.H2, GENEROUS, GENEROUS, 1000, Long.MAX_VALUE, true);

    Object[] out = store(full, item(ROOM_A, ALICE, envelope(1, ciphertext(1)), true), item(ROOM_A, BOB, 1));

    assertEquals(1, assertInstanceOf(Stored.class, out[0]).message().seq(), "a resend of a stored message");
    assertTrue(((Stored) out[0]).duplicate());
    assertEquals(Reason.SERVER_FULL, assertInstanceOf(Refusal.class, out[1]).reason());
    assertEquals(List.of(1L), storedSeqs(ROOM_A));
    assertEquals(1, lastSeq(ROOM_A), "no seq is taken");
  }

  @Test
  void theMigrationCountsTheBytesOfRoomsStoredBeforeIt() throws SQLException {
    String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    Schemas.migrate(url, 3);
    try (Connection old = DriverManager.getConnection(url, "sa", "")) {
      MessageFixtures.update(
          old, "INSERT INTO rooms (id, created_at, last_activity_at, owner_session_id, last_seq) VALUES (?, 0, 0, 'o', 2)", ROOM_A);
      MessageFixtures.update(
          old, "INSERT INTO rooms (id, created_at, last_activity_at, owner_session_id, last_seq) VALUES (?, 0, 0, 'o', 0)", ROOM_B);
      for (int seq = 1; seq <= 2; seq++) {
        MessageFixtures.update(
            old,
            "INSERT INTO messages (room_id, seq, sender_id, counter, iv, ct, created_at) VALUES (?, ?, ?, ?, ?, ?, 0)",
            ROOM_A, seq, ALICE, seq, IV, "x".repeat(100 * seq));
      }
    }
    // up to version 5, the one under test (later versions add buckets of their own)
    Schemas.migrate(url, 5);

    try (Connection upgraded = DriverManager.getConnection(url, "sa", "")) {
      String sql = "SELECT stored_bytes FROM rooms WHERE id = ?";
      assertEquals(List.of(16L + 100 + 16 + 200), longs(upgraded, sql, ROOM_A));
      assertEquals(List.of(0L), longs(upgraded, sql, ROOM_B));
    }
  }

  private MessageBatch writer(Limit perSender, Limit perRoom) throws SQLException {
    return writer(perSender, perRoom, NOW);
  }

  private long at = NOW;

  private MessageBatch writer(Limit perSender, Limit perRoom, long now) throws SQLException {
    at = now;
    return new MessageBatch(SeqAllocator.of(c), perSender, perRoom, 1000, Long.MAX_VALUE, false);
  }

  private Object[] store(MessageBatch writer, MessageBatch.Item... items) throws SQLException {
    Object[] out = writer.store(c, List.of(items), at);
    c.commit();
    return out;
  }

  private static MessageBatch.Item item(String room, String sender, long counter) {
    return item(room, sender, envelope(counter, ciphertext(counter)), false);
  }

  private static MessageBatch.Item item(String room, String sender, Envelope envelope, boolean mayRepeat) {
    return new MessageBatch.Item(new RoomId(room), new SessionId(sender), envelope, mayRepeat);
  }

  private static MessageBatch.Item bigItem(String room, String sender, long counter, int ciphertextChars) {
    String ct = ("ct" + counter + "x".repeat(ciphertextChars)).substring(0, ciphertextChars);
    return item(room, sender, envelope(counter, ct), false);
  }

  private static Envelope envelope(long counter, String ct) {
    return new Envelope(counter, IV, ct);
  }

  private static String ciphertext(long counter) {
    return ("ct" + counter + "x".repeat(40)).substring(0, 40);
  }

  private static List<Long> seqs(Object... outcomes) {
    List<Long> seqs = new ArrayList<>();
    for (Object o : outcomes) {
      seqs.add(assertInstanceOf(Stored.class, o).message().seq());
    }
    return seqs;
  }

  private List<Long> storedSeqs(String room) throws SQLException {
    return longs("SELECT seq FROM messages WHERE room_id = ? ORDER BY seq", room);
  }

  private long lastSeq(String room) throws SQLException {
    return longs("SELECT last_seq FROM rooms WHERE id = ?", room).get(0);
  }

  private long lastActivity(String room) throws SQLException {
    return longs("SELECT last_activity_at FROM rooms WHERE id = ?", room).get(0);
  }

  private long storedBytes(String room) throws SQLException {
    return longs("SELECT stored_bytes FROM rooms WHERE id = ?", room).get(0);
  }

  private long bytesOfMessages(String room) throws SQLException {
    return longs("SELECT COALESCE(SUM(LENGTH(iv) + LENGTH(ct)), 0) FROM messages WHERE room_id = ?", room).get(0);
  }

  private long maxCounter(String session) throws SQLException {
    return longs("SELECT max_counter FROM sessions WHERE id = ?", session).get(0);
  }

  private List<Long> longs(String sql, String param) throws SQLException {
    return longs(c, sql, param);
  }

  private static List<Long> longs(Connection c, String sql, String param) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, param);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getLong(1));
        }
      }
    }
    return out;
  }
}
