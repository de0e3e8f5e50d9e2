package chat.sotto.message;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.limits.BucketKey;
import chat.sotto.limits.Limit;
import chat.sotto.limits.TokenBatch;
import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Stores a batch of envelopes in one transaction of the caller's connection (group commit): the statements cost per
 * batch and per room, not per message. For every item it decides one outcome: stored (with its seq), a duplicate of
 * one stored before, or refused (rate limited, room gone).
 *
 * <p>Rules, the same as one envelope at a time: a resend of a (sender, counter) already stored returns the stored
 * message; each message takes a token from its sender's bucket and then from its room's rate, each one conditional
 * UPDATE whose WHERE clause is the limit (so the database enforces it across nodes; the room's rate is kept on its row
 * and taken by the statement that allocates the seqs, {@link SeqAllocator}); seqs are dense per room. Rows are locked
 * in one global order (sender buckets, then rooms, each sorted by key) so that batches of two nodes cannot deadlock.
 *
 * <p>Storage is capped: a room keeps at most its history limit of messages and its byte cap of envelopes (the oldest
 * go, so a full room stays usable), and while the deployment holds its byte cap new envelopes are refused with
 * {@code server_full}. The room row keeps its stored bytes, added in the statement that allocates seqs and set again
 * when history is trimmed, so no cap costs a sum over messages.
 */
final class MessageBatch {
  /** How often (in messages) a room's history is trimmed to its limit. */
  static final int TRIM_EVERY = 100;

  /**
   * A room beyond its byte cap is trimmed to this fraction of it (in eighths), so that a room at its cap trims once per
   * eighth of the cap stored rather than at every batch.
   */
  static final int TRIM_TO_EIGHTHS = 7;

  private static final String FIND =
      "SELECT seq, iv, ct, created_at FROM messages WHERE room_id = ? AND sender_id = ? AND counter = ?";
  private static final String INSERT =
      "INSERT INTO messages (room_id, seq, sender_id, counter, iv, ct, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
  // Before old messages go, each sender's highest counter among them is kept on its session (welcome.maxCounter).
  private static final String COUNTERS_TO_GO =
      "SELECT sender_id, MAX(counter) FROM messages WHERE room_id = ? AND seq <= ? GROUP BY sender_id";
  private static final String COUNTERS_AND_BYTES_TO_GO =
      "SELECT sender_id, MAX(counter), SUM(LENGTH(iv) + LENGTH(ct)) FROM messages WHERE room_id = ? AND seq <= ?"
          + " GROUP BY sender_id";
  private static final String KEEP_COUNTER = "UPDATE sessions SET max_counter = ? WHERE id = ? AND max_counter < ?";
  private static final String TRIM = "DELETE FROM messages WHERE room_id = ? AND seq <= ?";
  // Oldest first, so that a trim reads only about the rows it deletes.
  private static final String SIZES = "SELECT seq, LENGTH(iv) + LENGTH(ct) FROM messages WHERE room_id = ? ORDER BY seq";
  private static final String SET_BYTES = "UPDATE rooms SET stored_bytes = ? WHERE id = ?";

  /** One envelope to store. {@code mayRepeat}: its counter may have been stored before (look it up first). */
  record Item(RoomId roomId, SessionId senderId, Envelope envelope, boolean mayRepeat) {
    BucketKey senderBucket() {
      return BucketKey.sessionMessages(senderId);
    }
  }

  private final SeqAllocator seqs;
  private final Limit perSender;
  private final Limit perRoom;
  private final int historyLimit;
  private final long roomBytes;
  private final boolean deploymentFull;

  /**
   * @param historyLimit messages a room keeps
   * @param roomBytes bytes of envelopes a room keeps ({@link Envelope#storedBytes()})
   * @param deploymentFull the deployment holds its cap of stored bytes: new envelopes are refused
   */
  MessageBatch(
      SeqAllocator seqs, Limit perSender, Limit perRoom, int historyLimit, long roomBytes, boolean deploymentFull) {
    this.seqs = seqs;
    this.perSender = perSender;
    this.perRoom = perRoom;
    this.historyLimit = historyLimit;
    this.roomBytes = roomBytes;
    this.deploymentFull = deploymentFull;
  }

  /**
   * Decides and writes the batch on {@code c} (which must not auto-commit; the caller commits). Returns one outcome
   * per item, in order: a {@link Stored} or a {@link Refusal}.
   */
  Object[] store(Connection c, List<Item> items, long now) throws SQLException {
    Object[] out = new Object[items.size()];
    List<Integer> open = resolveRepeats(c, items, out);
    if (deploymentFull) {
      // Resends of stored messages still get their ack above; nothing new is stored.
      open.forEach(i -> out[i] = new Refusal(Reason.SERVER_FULL));
      return resolveLater(out);
    }
    open = takeTokens(c, items, open, out, perSender, Item::senderBucket, now);
    // Rooms in the order of their IDs' text: the lock order of their rows.
    Map<RoomId, List<Integer>> byRoom = new TreeMap<>(Comparator.comparing(RoomId::value));
    for (int i : open) {
      byRoom.computeIfAbsent(items.get(i).roomId(), k -> new ArrayList<>()).add(i);
    }
    List<Trim> trims = new ArrayList<>();
    try (PreparedStatement insert = c.prepareStatement(INSERT)) {
      for (Map.Entry<RoomId, List<Integer>> room : byRoom.entrySet()) {
        String roomId = room.getKey().value();
        List<Integer> ids = room.getValue();
        SeqAllocator.Advanced advanced = seqs.advance(c, roomId, ids.size(), bytes(items, ids), perRoom, now);
        if (advanced == null) {
          ids = admitPart(c, roomId, items, ids, out, now);
          advanced = ids.isEmpty() ? null : seqs.advance(c, roomId, ids.size(), bytes(items, ids), perRoom, now);
          if (advanced == null) {
            // another node took the room's tokens meanwhile
            Refusal limited = Refusal.rateLimited(perRoom.intervalMillis());
            ids.forEach(i -> out[i] = limited);
            continue;
          }
        }
        long last = advanced.lastSeq();
        long seq = last - ids.size();
        for (int i : ids) {
          Item item = items.get(i);
          StoredMessage m = new StoredMessage(item.roomId(), ++seq, item.senderId(), item.envelope(), now);
          bindInsert(insert, m);
          insert.addBatch();
          out[i] = new Stored(m, false);
        }
        Trim trim = trimDue(room.getKey(), last - ids.size(), advanced);
        if (trim != null) {
          trims.add(trim);
        }
      }
      insert.executeBatch();
    }
    for (Trim trim : trims) {
      trim(c, trim);
    }
    return resolveLater(out);
  }

  // Resends: stored before (in an earlier batch) or twice in this one. Only items that may repeat are looked up; a
  // repeat within the batch gets a placeholder, settled with the outcome of the first (resolveLater).
  private static List<Integer> resolveRepeats(Connection c, List<Item> items, Object[] out) throws SQLException {
    List<Integer> open = new ArrayList<>(items.size());
    Map<SenderCounter, Integer> firstInBatch = new HashMap<>();
    try (PreparedStatement find = c.prepareStatement(FIND)) {
      for (int i = 0; i < items.size(); i++) {
        Item item = items.get(i);
        Integer earlier = firstInBatch.putIfAbsent(new SenderCounter(item.senderId(), item.envelope().counter()), i);
        StoredMessage stored = earlier == null && item.mayRepeat() ? find(find, item) : null;
        if (earlier != null) {
          out[i] = new Later(earlier);
        } else if (stored != null) {
          out[i] = new Stored(stored, true);
        } else {
          open.add(i);
        }
      }
    }
    return open;
  }

  /** Replaces placeholders of in-batch repeats by the outcome of the item they repeat. */
  private static Object[] resolveLater(Object[] out) {
    for (int i = 0; i < out.length; i++) {
      if (out[i] instanceof Later later) {
        Object first = out[later.index()];
        out[i] = first instanceof Stored s ? new Stored(s.message(), true) : first;
      }
    }
    return out;
  }

  private static StoredMessage find(PreparedStatement find, Item item) throws SQLException {
    find.setString(1, item.roomId().value());
    find.setString(2, item.senderId().value());
    find.setLong(3, item.envelope().counter());
    try (ResultSet rs = find.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      Envelope e = new Envelope(item.envelope().counter(), rs.getString(2), rs.getString(3));
      return new StoredMessage(item.roomId(), rs.getLong(1), item.senderId(), e, rs.getLong(4));
    }
  }

  // A token per item from its bucket, all in one JDBC batch, in key order. Refused items get their retry hint.
  private static List<Integer> takeTokens(
      Connection c, List<Item> items, List<Integer> open, Object[] out, Limit limit, Function<Item, BucketKey> bucket, long now)
      throws SQLException {
    if (open.isEmpty()) {
      return open;
    }
    // Each key is built once; the items are then ordered by key (lock order), and by arrival within a key.
    List<Keyed> ordered = new ArrayList<>(open.size());
    open.forEach(i -> ordered.add(new Keyed(bucket.apply(items.get(i)), i)));
    ordered.sort(Comparator.comparing(Keyed::key).thenComparingInt(Keyed::index));
    List<BucketKey> keys = ordered.stream().map(Keyed::key).toList();
    long[] taken = TokenBatch.take(c, keys, limit, now);
    List<Integer> admitted = new ArrayList<>(ordered.size());
    for (int k = 0; k < ordered.size(); k++) {
      int i = ordered.get(k).index();
      if (taken[k] == 0) {
        admitted.add(i);
      } else {
        // The buckets of a room and its sessions go with the room.
        out[i] = taken[k] == TokenBatch.NO_BUCKET ? new Refusal(Reason.ROOM_NOT_FOUND) : Refusal.rateLimited(taken[k]);
      }
    }
    admitted.sort(null);
    return admitted;
  }

  // The room is gone, or its rate does not admit the whole run: the earliest it admits stay (in arrival order), the
  // rest are refused here. Returns the ones to store.
  private List<Integer> admitPart(Connection c, String roomId, List<Item> items, List<Integer> ids, Object[] out, long now)
      throws SQLException {
    SeqAllocator.Rate rate = SeqAllocator.rate(c, roomId, perRoom, now);
    if (rate == null) {
      ids.forEach(i -> out[i] = new Refusal(Reason.ROOM_NOT_FOUND));
      return List.of();
    }
    int admitted = Math.min(rate.admits(), ids.size());
    Refusal limited = Refusal.rateLimited(rate.retryAfter(admitted));
    ids.subList(admitted, ids.size()).forEach(i -> out[i] = limited);
    return ids.subList(0, admitted);
  }

  private static long bytes(List<Item> items, List<Integer> ids) {
    long bytes = 0;
    for (int i : ids) {
      bytes += items.get(i).envelope().storedBytes();
    }
    return bytes;
  }

  private static void bindInsert(PreparedStatement insert, StoredMessage m) throws SQLException {
    insert.setString(1, m.roomId());
    insert.setLong(2, m.seq());
    insert.setString(3, m.senderId());
    insert.setLong(4, m.counter());
    insert.setString(5, m.iv());
    insert.setString(6, m.ciphertext());
    insert.setLong(7, m.createdAt());
  }

  // Every TRIM_EVERY messages, a room beyond its history limit drops its oldest messages; so does, at once, a room
  // beyond its byte cap, down to TRIM_TO_EIGHTHS of it.
  private Trim trimDue(RoomId roomId, long before, SeqAllocator.Advanced room) {
    long last = room.lastSeq();
    boolean byCount = last > historyLimit && last / TRIM_EVERY != before / TRIM_EVERY;
    boolean byBytes = room.storedBytes() > roomBytes;
    if (!byCount && !byBytes) {
      return null;
    }
    long byteTarget = byBytes ? roomBytes / 8 * TRIM_TO_EIGHTHS : roomBytes;
    return new Trim(roomId.value(), last - historyLimit, room.storedBytes(), byteTarget);
  }

  // Runs after the batch's inserts, so that its own messages count (and may go, in a room that took in more than its
  // cap at once: they were acknowledged and delivered live, but history keeps only what fits). History stays
  // contiguous: the oldest messages go, up to the newest one that must.
  private static void trim(Connection c, Trim t) throws SQLException {
    if (t.storedBytes() <= t.byteTarget()) {
      trimByCount(c, t);
      return;
    }
    long cutoff = 0;
    long kept = t.storedBytes();
    try (PreparedStatement sizes = c.prepareStatement(SIZES)) {
      sizes.setFetchSize(TRIM_EVERY);
      sizes.setString(1, t.roomId());
      try (ResultSet rs = sizes.executeQuery()) {
        while (rs.next() && (rs.getLong(1) <= t.countCutoff() || kept > t.byteTarget())) {
          cutoff = rs.getLong(1);
          kept -= rs.getLong(2);
        }
      }
    }
    if (cutoff == 0) {
      return;
    }
    try (PreparedStatement toGo = c.prepareStatement(COUNTERS_TO_GO);
        PreparedStatement keep = c.prepareStatement(KEEP_COUNTER);
        PreparedStatement trim = c.prepareStatement(TRIM);
        PreparedStatement setBytes = c.prepareStatement(SET_BYTES)) {
      toGo.setString(1, t.roomId());
      toGo.setLong(2, cutoff);
      try (ResultSet rs = toGo.executeQuery()) {
        while (rs.next()) {
          keepCounter(keep, rs.getString(1), rs.getLong(2));
        }
      }
      keep.executeBatch();
      trim.setString(1, t.roomId());
      trim.setLong(2, cutoff);
      trim.executeUpdate();
      setBytes.setLong(1, kept);
      setBytes.setString(2, t.roomId());
      setBytes.executeUpdate();
    }
  }

  // Queues "the sender's session keeps its highest counter among the messages that go".
  private static void keepCounter(PreparedStatement keep, String senderId, long counter) throws SQLException {
    keep.setLong(1, counter);
    keep.setString(2, senderId);
    keep.setLong(3, counter);
    keep.addBatch();
  }

  // The usual trim: the room holds more than its history limit and is within its byte cap, so exactly the messages up
  // to the count cutoff go. One grouped read of just those rows gives both what they weigh and each sender's highest
  // counter among them (reading the room's whole history for their sizes was a sixth of the cost of storing).
  private static void trimByCount(Connection c, Trim t) throws SQLException {
    long gone = 0;
    try (PreparedStatement toGo = c.prepareStatement(COUNTERS_AND_BYTES_TO_GO);
        PreparedStatement keep = c.prepareStatement(KEEP_COUNTER)) {
      toGo.setString(1, t.roomId());
      toGo.setLong(2, t.countCutoff());
      boolean any = false;
      try (ResultSet rs = toGo.executeQuery()) {
        while (rs.next()) {
          keepCounter(keep, rs.getString(1), rs.getLong(2));
          gone += rs.getLong(3);
          any = true;
        }
      }
      if (!any) {
        return;
      }
      keep.executeBatch();
    }
    try (PreparedStatement trim = c.prepareStatement(TRIM);
        PreparedStatement setBytes = c.prepareStatement(SET_BYTES)) {
      trim.setString(1, t.roomId());
      trim.setLong(2, t.countCutoff());
      trim.executeUpdate();
      setBytes.setLong(1, t.storedBytes() - gone);
      setBytes.setString(2, t.roomId());
      setBytes.executeUpdate();
    }
  }

  /**
   * A room to trim: every message up to {@code countCutoff} goes, and then the oldest ones until the room keeps at
   * most {@code byteTarget} of its {@code storedBytes}.
   */
  private record Trim(String roomId, long countCutoff, long storedBytes, long byteTarget) {}

  /** Placeholder for an item that repeats an earlier item of the same batch. */
  private record Later(int index) {}

  private record SenderCounter(SessionId senderId, long counter) {}

  private record Keyed(BucketKey key, int index) {}
}
