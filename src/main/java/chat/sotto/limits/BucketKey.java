package chat.sotto.limits;

import chat.sotto.common.Base64Url;
import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;

/**
 * The key of one rate-limit bucket, built only by the factories below, so that every place that creates, takes from
 * or forgets a bucket spells it the same way. The stored text ({@link #value()}) is the {@code bucket_key} column:
 * {@code rooms}, {@code sessions}, {@code join:<room>}, {@code msg:<session>}, {@code files:<session>},
 * {@code room-files:<room>}. (A room's message rate is kept on its row: see {@code SeqAllocator}.)
 */
public record BucketKey(String value) implements Comparable<BucketKey> {
  private static final String ROOMS = "rooms";
  private static final String SESSIONS = "sessions";
  private static final String JOIN = "join:";
  private static final String SESSION_MESSAGES = "msg:";
  private static final String SESSION_FILES = "files:";
  private static final String ROOM_FILES = "room-files:";

  public BucketKey {
    if (!wellFormed(value)) {
      throw new IllegalArgumentException("not a rate-limit bucket key");
    }
  }

  /** Rooms created across the whole deployment. */
  public static BucketKey rooms() {
    return new BucketKey(ROOMS);
  }

  /** Sessions issued across the whole deployment. */
  public static BucketKey sessions() {
    return new BucketKey(SESSIONS);
  }

  /** Sessions issued by joining one room. */
  public static BucketKey join(RoomId roomId) {
    return new BucketKey(JOIN + roomId.value());
  }

  /** Messages sent by one session. */
  public static BucketKey sessionMessages(SessionId sessionId) {
    return new BucketKey(SESSION_MESSAGES + sessionId.value());
  }

  /** Files announced (uploads begun) by one session. */
  public static BucketKey sessionFiles(SessionId sessionId) {
    return new BucketKey(SESSION_FILES + sessionId.value());
  }

  /** Files announced by all members of one room together. */
  public static BucketKey roomFiles(RoomId roomId) {
    return new BucketKey(ROOM_FILES + roomId.value());
  }

  /** The kind of bucket, without the identifier in it (safe to name in a log line or an exception). */
  public String kind() {
    int colon = value.indexOf(':');
    return colon < 0 ? value : value.substring(0, colon);
  }

  @Override
  public int compareTo(BucketKey other) {
    return value.compareTo(other.value);
  }

  // Only the kind: a key holds a room or session identifier, which must not reach a log line by accident.
  @Override
  public String toString() {
    return kind();
  }

  private static boolean wellFormed(String value) {
    if (value == null) {
      return false;
    }
    if (value.equals(ROOMS) || value.equals(SESSIONS)) {
      return true;
    }
    if (value.startsWith(JOIN)) {
      return Base64Url.isExactly(value.substring(JOIN.length()), RoomId.BYTES);
    }
    if (value.startsWith(SESSION_MESSAGES)) {
      return Base64Url.isExactly(value.substring(SESSION_MESSAGES.length()), SessionId.BYTES);
    }
    if (value.startsWith(SESSION_FILES)) {
      return Base64Url.isExactly(value.substring(SESSION_FILES.length()), SessionId.BYTES);
    }
    if (value.startsWith(ROOM_FILES)) {
      return Base64Url.isExactly(value.substring(ROOM_FILES.length()), RoomId.BYTES);
    }
    return false;
  }
}
