package chat.sotto.message;

import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;

/** Test access to stored messages for code outside this package (benchmarks of the relay's frames). */
public final class StoredMessages {
  private StoredMessages() {}

  public static StoredMessage of(RoomId roomId, long seq, SessionId senderId, Envelope envelope, long createdAt) {
    return new StoredMessage(roomId, seq, senderId, envelope, createdAt);
  }
}
