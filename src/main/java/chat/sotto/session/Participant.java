package chat.sotto.session;

import chat.sotto.room.RoomId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/**
 * A session in one room. Holds the token's hash, never the token, and the member's encrypted profile, which only
 * room members can read.
 */
@Entity
@Table(
    name = "sessions",
    indexes = {
      @Index(name = "sessions_token", columnList = "token_hash", unique = true),
      @Index(name = "sessions_room", columnList = "room_id")
    })
public class Participant {
  @Id
  @Column(name = "id", length = 22)
  private String id;

  @Column(name = "room_id", length = 43, nullable = false)
  private String roomId;

  @Column(name = "token_hash", length = 43, nullable = false)
  private String tokenHash;

  @Column(name = "is_owner", nullable = false)
  private boolean owner;

  @Column(name = "created_at", nullable = false)
  private long createdAt;

  @Column(name = "max_counter", nullable = false)
  private long maxCounter;

  @Column(name = "profile_counter", nullable = false)
  private long profileCounter;

  @Column(name = "profile_iv", length = 16)
  private String profileIv;

  @Column(name = "profile_ct", length = 1400)
  private String profileCt;

  protected Participant() {}

  public Participant(SessionId id, RoomId roomId, SessionToken token, boolean owner, long createdAt) {
    this.id = id.value();
    this.roomId = roomId.value();
    this.tokenHash = token.hash();
    this.owner = owner;
    this.createdAt = createdAt;
  }

  // The columns hold the IDs as text (the schema); callers get the value types. Read on authentication, not per frame.
  public SessionId id() {
    return new SessionId(id);
  }

  public RoomId roomId() {
    return new RoomId(roomId);
  }

  public boolean owner() {
    return owner;
  }

  public long createdAt() {
    return createdAt;
  }

  public long maxCounter() {
    return maxCounter;
  }

  public long profileCounter() {
    return profileCounter;
  }

  public String profileIv() {
    return profileIv;
  }

  public String profileCt() {
    return profileCt;
  }

  public boolean hasProfile() {
    return profileCt != null;
  }
}
