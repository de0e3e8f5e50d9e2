package chat.sotto.message;

/** Test access to stored messages for code outside this package (benchmarks of the relay's frames). */
public final class StoredMessages {
  private StoredMessages() {}

  public static StoredMessage of(String roomId, long seq, String senderId, Envelope envelope, long createdAt) {
    return new StoredMessage(roomId, seq, senderId, envelope, createdAt);
  }
}
