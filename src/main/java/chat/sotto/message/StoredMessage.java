package chat.sotto.message;

import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** One stored chat envelope. Everything in it is either random, a number, or ciphertext. */
@Entity
@IdClass(StoredMessage.Key.class)
@Table(
    name = "messages",
    indexes = @Index(name = "messages_sender_counter", columnList = "room_id,sender_id,counter", unique = true))
public class StoredMessage {
  @Id
  @Column(name = "room_id", length = 43)
  private String roomId;

  @Id
  @Column(name = "seq")
  private long seq;

  @Column(name = "sender_id", length = 22, nullable = false)
  private String senderId;

  @Column(name = "counter", nullable = false)
  private long counter;

  @Column(name = "iv", length = 16, nullable = false)
  private String iv;

  @Column(name = "ct", length = 22000, nullable = false)
  private String ciphertext;

  @Column(name = "created_at", nullable = false)
  private long createdAt;

  protected StoredMessage() {}

  StoredMessage(RoomId roomId, long seq, SessionId senderId, Envelope envelope, long createdAt) {
    this.roomId = roomId.value();
    this.seq = seq;
    this.senderId = senderId.value();
    this.counter = envelope.counter();
    this.iv = envelope.iv();
    this.ciphertext = envelope.ciphertext();
    this.createdAt = createdAt;
  }

  // The IDs are given as their stored text: a stored message is only bound to SQL or encoded into frames (the relay's
  // hot path), never compared, so wrapping them again would cost an allocation per frame for nothing.
  public String roomId() {
    return roomId;
  }

  public long seq() {
    return seq;
  }

  public String senderId() {
    return senderId;
  }

  public long counter() {
    return counter;
  }

  public String iv() {
    return iv;
  }

  public String ciphertext() {
    return ciphertext;
  }

  public long createdAt() {
    return createdAt;
  }

  /** Composite primary key: (room, seq). */
  public static class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    public String roomId;
    public long seq;

    public Key() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.seq == seq && Objects.equals(k.roomId, roomId);
    }

    @Override
    public int hashCode() {
      return Objects.hash(roomId, seq);
    }
  }
}
