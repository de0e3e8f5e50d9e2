package chat.sotto.room;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.common.Transactions;
import chat.sotto.limits.BucketKey;
import chat.sotto.limits.CapsSettings;
import chat.sotto.limits.DeploymentUsage;
import chat.sotto.limits.RateLimiter;
import chat.sotto.session.Credentials;
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
import java.util.List;
import java.util.function.Consumer;

/** Creates, joins, closes and expires rooms. */
@ApplicationScoped
public class RoomService {
  @PersistenceContext(unitName = "sotto")
  EntityManager em;

  @Inject Transactions tx;
  @Inject SessionStore sessions;
  @Inject RateLimiter limiter;
  @Inject RoomSettings settings;
  @Inject CapsSettings caps;
  @Inject DeploymentUsage usage;
  @Inject Clock clock;
  @Inject Event<RoomDeleting> deleting;
  @Inject Event<RoomDeleted> deleted;
  @Inject Event<MemberLeft> left;

  /** Creates a room whose owner is the returned session. */
  public Credentials create(RoomId id) {
    return tx.required(
        () -> {
          long now = clock.millis();
          limiter.acquire(BucketKey.rooms(), settings.roomCreation(), now);
          // The UPDATE of the deployment-wide rooms bucket above locks its row until commit: creations take turns
          // across nodes, so the count below is exact (without that lock, concurrent creations could overshoot it by
          // a few). Both caps refuse before anything is written.
          if (usage.storedBytesFull() || countRooms() >= caps.maxRooms()) {
            throw new Refusal(Reason.SERVER_FULL);
          }
          if (em.find(Room.class, id.value()) != null) {
            throw new Refusal(Reason.ROOM_EXISTS);
          }
          Credentials owner = sessions.issue(id, true, now);
          em.persist(new Room(id, new SessionId(owner.sessionId()), now));
          limiter.create(BucketKey.join(id), id);
          limiter.create(BucketKey.roomMessages(id), id);
          return owner;
        });
  }

  /** Issues a member session in an existing room. */
  public Credentials join(RoomId id) {
    return tx.required(
        () -> {
          long now = clock.millis();
          if (em.find(Room.class, id.value()) == null) {
            throw new Refusal(Reason.ROOM_NOT_FOUND);
          }
          if (sessions.countInRoom(id) >= settings.maxMembers()) {
            throw new Refusal(Reason.ROOM_FULL);
          }
          limiter.acquire(BucketKey.join(id), settings.joinsPerRoom(), now);
          limiter.acquire(BucketKey.sessions(), settings.sessionCreation(), now);
          touch(id, now);
          return sessions.issue(id, false, now);
        });
  }

  /** The owner closes the room: everything in it is deleted. */
  public void close(Participant who, RoomId id) {
    if (!who.roomId().equals(id)) {
      throw new Refusal(Reason.FORBIDDEN);
    }
    if (!who.owner()) {
      throw new Refusal(Reason.NOT_OWNER);
    }
    tx.required(() -> delete(id));
  }

  /** A member leaves for good; when the owner leaves, the room is deleted. */
  public void leave(Participant who) {
    tx.required(
        () -> {
          if (who.owner()) {
            delete(who.roomId());
            return;
          }
          sessions.delete(who.id());
          left.fire(new MemberLeft(who.roomId(), who.id()));
        });
  }

  public Room find(RoomId roomId) {
    return tx.required(() -> em.find(Room.class, roomId.value()));
  }

  public long latestSeq(RoomId roomId) {
    List<Long> seq =
        tx.required(
            () ->
                em.createQuery("SELECT r.lastSeq FROM Room r WHERE r.id = :id", Long.class)
                    .setParameter("id", roomId.value())
                    .getResultList());
    if (seq.isEmpty()) {
      throw new Refusal(Reason.ROOM_NOT_FOUND);
    }
    return seq.get(0);
  }

  /** The owner is connected: the grace clock stops. */
  public void ownerPresent(RoomId roomId) {
    tx.required(() -> withRoom(roomId, room -> room.ownerReturned(clock.millis())));
  }

  /** The owner's last connection closed: the grace clock starts. */
  public void ownerAway(RoomId roomId) {
    tx.required(() -> withRoom(roomId, room -> room.ownerLeft(clock.millis())));
  }

  /** Rooms that are idle past the limit or whose owner has been away past the grace period. */
  public List<RoomId> expiredRoomIds() {
    long now = clock.millis();
    List<String> ids =
        tx.required(
            () ->
                em.createQuery(
                        "SELECT r.id FROM Room r WHERE r.lastActivityAt <= :idleBefore"
                            + " OR (r.ownerAwaySince IS NOT NULL AND r.ownerAwaySince <= :awayBefore)",
                        String.class)
                    .setParameter("idleBefore", now - settings.idleMillis())
                    .setParameter("awayBefore", now - settings.ownerGraceMillis())
                    .setMaxResults(500)
                    .getResultList());
    return ids.stream().map(RoomId::new).toList();
  }

  /** Deletes a room if it is still expired (another node may have deleted it or its owner come back). */
  public boolean deleteIfExpired(RoomId roomId) {
    return tx.required(
        () -> {
          // The row lock makes concurrent sweeps of several nodes take turns: the second finds nothing to delete.
          Room room = em.find(Room.class, roomId.value(), LockModeType.PESSIMISTIC_WRITE);
          if (room == null || !room.expiredAt(clock.millis(), settings.idleMillis(), settings.ownerGraceMillis())) {
            return false;
          }
          delete(roomId);
          return true;
        });
  }

  private long countRooms() {
    return em.createQuery("SELECT COUNT(r) FROM Room r", Long.class).getSingleResult();
  }

  private void withRoom(RoomId roomId, Consumer<Room> change) {
    Room room = em.find(Room.class, roomId.value(), LockModeType.PESSIMISTIC_WRITE);
    if (room != null) {
      change.accept(room);
    }
  }

  private void touch(RoomId roomId, long now) {
    em.createQuery("UPDATE Room r SET r.lastActivityAt = :now WHERE r.id = :id")
        .setParameter("now", now)
        .setParameter("id", roomId.value())
        .executeUpdate();
  }

  private void delete(RoomId roomId) {
    deleting.fire(new RoomDeleting(roomId));
    sessions.deleteRoom(roomId);
    limiter.forgetRoom(roomId);
    int rows =
        em.createQuery("DELETE FROM Room r WHERE r.id = :id").setParameter("id", roomId.value()).executeUpdate();
    if (rows == 0) {
      throw new Refusal(Reason.ROOM_NOT_FOUND);
    }
    deleted.fire(new RoomDeleted(roomId));
  }
}
