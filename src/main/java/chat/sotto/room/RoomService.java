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
import java.util.logging.Level;
import java.util.logging.Logger;

/** Creates, joins, closes and expires rooms. */
@ApplicationScoped
public class RoomService {
  private static final Logger LOG = Logger.getLogger(RoomService.class.getName());
  private static final int FORGET_ATTEMPTS = 3;

  private static final List<String> ORPHANS =
      List.of(
          "DELETE FROM messages WHERE NOT EXISTS (SELECT 1 FROM rooms r WHERE r.id = messages.room_id)",
          "DELETE FROM sessions WHERE NOT EXISTS (SELECT 1 FROM rooms r WHERE r.id = sessions.room_id)",
          "DELETE FROM files WHERE NOT EXISTS (SELECT 1 FROM rooms r WHERE r.id = files.room_id)",
          "DELETE FROM rate_buckets WHERE room_id IS NOT NULL"
              + " AND NOT EXISTS (SELECT 1 FROM rooms r WHERE r.id = rate_buckets.room_id)");

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
  @Inject Event<RoomDeletionCommitted> committed;
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
          Credentials owner = sessions.issue(id, true, true, now);
          em.persist(new Room(id, new SessionId(owner.sessionId()), now));
          limiter.create(BucketKey.join(id), id);
          limiter.create(BucketKey.roomFiles(id), id);
          return owner;
        });
  }

  /** Issues a member session in an existing room: none while it is locked, a knocking one while it knocks. */
  public Credentials join(RoomId id) {
    return tx.required(
        () -> {
          long now = clock.millis();
          // The room row stays locked until the new session is committed, so a close cannot slip in between: it
          // either runs first (the room is gone here) or waits and deletes the new session with the rest.
          Room room = em.find(Room.class, id.value(), LockModeType.PESSIMISTIC_WRITE);
          if (room == null) {
            throw new Refusal(Reason.ROOM_NOT_FOUND);
          }
          if (room.access().locked()) {
            throw new Refusal(Reason.ROOM_LOCKED);
          }
          if (sessions.countInRoom(id) >= settings.maxMembers()) {
            throw new Refusal(Reason.ROOM_FULL);
          }
          limiter.acquire(BucketKey.join(id), settings.joinsPerRoom(), now);
          room.touched(now);
          Credentials member = sessions.issue(id, false, !room.access().knocks(), now);
          // Last: the deployment-wide bucket's row stays locked until commit, and every join in the deployment waits
          // for it, so it is held for as short a time as possible.
          limiter.acquire(BucketKey.sessions(), settings.sessionCreation(), now);
          return member;
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
    afterDeletion(id);
  }

  /**
   * A member leaves for good; when the owner leaves, the room is deleted. The owner is the session that holds the room
   * now: after a hand-over, the former owner leaves as a member.
   */
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
    if (who.owner()) {
      afterDeletion(who.roomId());
    }
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
    boolean deletedNow =
        tx.required(
            () -> {
              // The row lock makes concurrent sweeps of several nodes take turns: the second finds nothing to delete.
              Room room = em.find(Room.class, roomId.value(), LockModeType.PESSIMISTIC_WRITE);
              if (room == null
                  || !room.expiredAt(clock.millis(), settings.idleMillis(), settings.ownerGraceMillis())) {
                return false;
              }
              delete(roomId);
              return true;
            });
    if (deletedNow) {
      afterDeletion(roomId);
    }
    return deletedNow;
  }

  /**
   * Deletes rows that belong to no room. Deletion is atomic (see {@link #delete}), so none should exist; this is the
   * safety net for anything that still slips through (a database restored from a backup, a node killed mid-way), and
   * for rate buckets left when their deletion after a room's failed.
   */
  public int deleteOrphans() {
    return tx.required(
        () -> {
          int rows = 0;
          for (String sql : ORPHANS) {
            rows += em.createNativeQuery(sql).executeUpdate();
          }
          return rows;
        });
  }

  // COUNT(*) without a condition: H2 answers it from the table's row count instead of a scan of its index.
  private long countRooms() {
    return ((Number) em.createNativeQuery("SELECT COUNT(*) FROM rooms").getSingleResult()).longValue();
  }

  private void withRoom(RoomId roomId, Consumer<Room> change) {
    Room room = em.find(Room.class, roomId.value(), LockModeType.PESSIMISTIC_WRITE);
    if (room != null) {
      change.accept(room);
    }
  }

  /**
   * Deletes the room and everything in it, atomically against whatever writes into it at the same moment. The room's
   * row is locked first: the message writer allocates seqs with an UPDATE of that row and a join locks it, so a batch
   * or a join in flight either committed before (its rows are deleted here) or waits and then finds no room. Rate
   * buckets are not touched here: writers lock them before the room row, so deleting them under the room's lock could
   * deadlock; they go in their own transaction afterwards ({@link #forgetBuckets}).
   */
  private void delete(RoomId roomId) {
    Room room = em.find(Room.class, roomId.value(), LockModeType.PESSIMISTIC_WRITE);
    if (room == null) {
      throw new Refusal(Reason.ROOM_NOT_FOUND);
    }
    deleting.fire(new RoomDeleting(roomId));
    sessions.deleteRoom(roomId);
    em.remove(room);
    em.flush();
    deleted.fire(new RoomDeleted(roomId));
  }

  /** After the room's deletion committed: what it left to later transactions goes now. */
  private void afterDeletion(RoomId roomId) {
    forgetBuckets(roomId);
    committed.fire(new RoomDeletionCommitted(roomId));
  }

  /**
   * After the room's deletion committed. The DELETE can still be chosen as a deadlock's victim against a message batch
   * that locks several of the room's buckets (seen on H2 under load): it is tried again, since the batch it met has
   * gone on and no new bucket of the room can appear. Only a lasting failure leaves the buckets to the orphan sweep.
   */
  private void forgetBuckets(RoomId roomId) {
    for (int attempt = 1; ; attempt++) {
      try {
        tx.required(() -> limiter.forgetRoom(roomId));
        return;
      } catch (RuntimeException e) {
        if (attempt == FORGET_ATTEMPTS) {
          LOG.log(Level.WARNING, "rate buckets of a deleted room left to the sweep: {0}", e.getClass().getName());
          return;
        }
      }
    }
  }
}
