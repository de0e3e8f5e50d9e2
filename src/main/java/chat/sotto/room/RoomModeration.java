package chat.sotto.room;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.common.Transactions;
import chat.sotto.session.Participant;
import chat.sotto.session.SessionId;
import chat.sotto.session.SessionStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;

/**
 * What only a room's owner may do: lock the room, make newcomers knock, admit or refuse them, remove members and hand
 * the room over. Each call locks the room's row and checks the owner on it, so that two calls (or a hand-over and a
 * removal) take turns and the one that comes second sees the owner the first one left.
 */
@ApplicationScoped
public class RoomModeration {
  @PersistenceContext(unitName = "sotto")
  EntityManager em;

  @Inject Transactions tx;
  @Inject SessionStore sessions;
  @Inject Clock clock;
  @Inject Event<RoomAccessChanged> accessChanged;
  @Inject Event<MemberAdmitted> admitted;
  @Inject Event<MemberRemoved> removed;
  @Inject Event<OwnerChanged> ownerChanged;

  /** Changes the settings given (null: unchanged) and returns them all. */
  public RoomAccess change(Participant who, RoomId id, Boolean locked, Boolean knock) {
    return tx.required(
        () -> {
          Room room = ownedRoom(who, id);
          room.change(locked, knock);
          RoomAccess access = room.access();
          accessChanged.fire(new RoomAccessChanged(id, access));
          return access;
        });
  }

  /** Lets a knocking session in; one already admitted stays so. */
  public void admit(Participant who, RoomId id, SessionId sessionId) {
    tx.required(
        () -> {
          ownedRoom(who, id);
          Participant member = sessions.memberOf(id, sessionId);
          if (!member.admitted()) {
            member.admit();
            admitted.fire(new MemberAdmitted(id, sessionId));
          }
        });
  }

  /**
   * Removes a member or refuses a knocking session: its session is deleted as when a member leaves. The first removal
   * of an admitted member seals the room (it knocks for good: the removed member still knows the code).
   */
  public void remove(Participant who, RoomId id, SessionId sessionId) {
    tx.required(
        () -> {
          Room room = ownedRoom(who, id);
          if (sessionId.equals(who.id())) {
            throw new Refusal(Reason.CANNOT_REMOVE_SELF);
          }
          boolean wasAdmitted = sessions.memberOf(id, sessionId).admitted();
          sessions.delete(sessionId);
          removed.fire(new MemberRemoved(id, sessionId));
          if (wasAdmitted && room.seal()) {
            accessChanged.fire(new RoomAccessChanged(id, room.access()));
          }
        });
  }

  /** Hands the room to an admitted member, who from now on has every power of the owner (the caller none). */
  public void handOver(Participant who, RoomId id, SessionId sessionId) {
    tx.required(
        () -> {
          Room room = ownedRoom(who, id);
          Participant next = sessions.memberOf(id, sessionId);
          if (sessionId.equals(who.id())) {
            return;
          }
          if (!next.admitted()) {
            throw new Refusal(Reason.CANDIDATE_NOT_ADMITTED);
          }
          sessions.memberOf(id, who.id()).owner(false);
          next.owner(true);
          room.handOver(sessionId, clock.millis());
          ownerChanged.fire(new OwnerChanged(id, sessionId));
        });
  }

  // The row lock orders owner calls, joins and deletions of the room; the owner is read under it.
  private Room ownedRoom(Participant who, RoomId id) {
    if (!who.roomId().equals(id)) {
      throw new Refusal(Reason.FORBIDDEN);
    }
    Room room = em.find(Room.class, id.value(), LockModeType.PESSIMISTIC_WRITE);
    if (room == null) {
      throw new Refusal(Reason.ROOM_NOT_FOUND);
    }
    if (!room.ownerSessionId().equals(who.id())) {
      throw new Refusal(Reason.NOT_OWNER);
    }
    return room;
  }
}
