package chat.sotto.session;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.room.RoomId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/**
 * A session in one room. Holds the token's hash, never the token, and the member's encrypted profile (or, while it
 * knocks, its encrypted knock), which only room members can read.
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

  /** False while the session knocks: it sees nothing of the room until the owner admits it. */
  @Column(name = "admitted", nullable = false)
  private boolean admitted;

  protected Participant() {}

  public Participant(
      SessionId id, RoomId roomId, SessionToken token, boolean owner, boolean admitted, long createdAt) {
    this.id = id.value();
    this.roomId = roomId.value();
    this.tokenHash = token.hash();
    this.owner = owner;
    this.admitted = admitted;
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

  public boolean admitted() {
    return admitted;
  }

  /** Refuses a knocking session what only members may have (history, ICE servers). */
  public void requireAdmitted() {
    if (!admitted) {
      throw new Refusal(Reason.NOT_ADMITTED);
    }
  }

  /**
   * The owner let the session in. Its knock, kept where a profile goes, is dropped: it was meant for the owner, and
   * the member announces itself with a profile of its own (the counter stays, so no older envelope replaces it).
   */
  public void admit() {
    admitted = true;
    profileIv = null;
    profileCt = null;
  }

  /** Ownership of the room moves to ({@code true}) or away from this session. */
  public void owner(boolean owner) {
    this.owner = owner;
  }
}
