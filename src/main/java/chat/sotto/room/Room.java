package chat.sotto.room;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.session.SessionId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Room metadata: all the server knows of a room. */
@Entity
@Table(name = "rooms")
public class Room {
  @Id
  @Column(name = "id", length = 43)
  private String id;

  @Column(name = "created_at", nullable = false)
  private long createdAt;

  @Column(name = "last_activity_at", nullable = false)
  private long lastActivityAt;

  @Column(name = "owner_session_id", length = 22, nullable = false)
  private String ownerSessionId;

  @Column(name = "last_seq", nullable = false)
  private long lastSeq;

  /** Bytes of envelopes the room stores ({@link chat.sotto.message.Envelope#storedBytes()}), kept by the writer. */
  @Column(name = "stored_bytes", nullable = false)
  private long storedBytes;

  /** When the owner was last seen leaving (or the room's creation, until the owner first connects); null while present. */
  @Column(name = "owner_away_since")
  private Long ownerAwaySince;

  @Column(name = "locked", nullable = false)
  private boolean locked;

  @Column(name = "knock", nullable = false)
  private boolean knock;

  @Column(name = "sealed", nullable = false)
  private boolean sealed;

  protected Room() {}

  Room(RoomId id, SessionId ownerSessionId, long now) {
    this.id = id.value();
    this.ownerSessionId = ownerSessionId.value();
    this.createdAt = now;
    this.lastActivityAt = now;
    this.ownerAwaySince = now;
  }

  // The columns hold the IDs as text (the schema); callers get the value types.
  public RoomId id() {
    return new RoomId(id);
  }

  public SessionId ownerSessionId() {
    return new SessionId(ownerSessionId);
  }

  public long lastSeq() {
    return lastSeq;
  }

  public long storedBytes() {
    return storedBytes;
  }

  public long lastActivityAt() {
    return lastActivityAt;
  }

  public Long ownerAwaySince() {
    return ownerAwaySince;
  }

  public RoomAccess access() {
    return new RoomAccess(locked, knock, sealed);
  }

  /** The owner changes the settings it names (null: unchanged). A sealed room keeps knocking. */
  void change(Boolean locked, Boolean knock) {
    if (sealed && Boolean.FALSE.equals(knock)) {
      throw new Refusal(Reason.KNOCK_REQUIRED);
    }
    if (locked != null) {
      this.locked = locked;
    }
    if (knock != null) {
      this.knock = knock;
    }
  }

  /** An admitted member was removed: from now on everyone knocks. Returns true if that is a change. */
  boolean seal() {
    boolean changed = !sealed || !knock;
    sealed = true;
    knock = true;
    return changed;
  }

  /**
   * Another member owns the room from {@code now}: the grace clock starts for the new owner, and the relay stops it
   * once that owner is seen connected.
   */
  void handOver(SessionId newOwner, long now) {
    ownerSessionId = newOwner.value();
    ownerAwaySince = now;
  }

  /** Someone joined: that counts as activity. */
  void touched(long now) {
    lastActivityAt = Math.max(lastActivityAt, now);
  }

  /** The owner connected: the grace clock stops, and that counts as activity. */
  void ownerReturned(long now) {
    ownerAwaySince = null;
    lastActivityAt = Math.max(lastActivityAt, now);
  }

  /** The owner's last connection closed: the grace clock starts, unless it already runs. */
  void ownerLeft(long now) {
    if (ownerAwaySince == null) {
      ownerAwaySince = now;
    }
  }

  /** True when the room must be deleted at {@code now}: idle too long, or its owner away past the grace period. */
  public boolean expiredAt(long now, long idleMillis, long ownerGraceMillis) {
    boolean idle = lastActivityAt <= now - idleMillis;
    boolean ownerGone = ownerAwaySince != null && ownerAwaySince <= now - ownerGraceMillis;
    return idle || ownerGone;
  }
}
