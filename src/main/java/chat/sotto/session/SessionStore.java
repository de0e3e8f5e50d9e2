package chat.sotto.session;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.common.Transactions;
import chat.sotto.limits.BucketKey;
import chat.sotto.limits.RateLimiter;
import chat.sotto.room.RoomId;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;

/** Issues, authenticates and deletes sessions. */
@ApplicationScoped
public class SessionStore {
  @PersistenceContext(unitName = "sotto")
  EntityManager em;

  // Sessions read to be looked at, never changed through: EclipseLink neither copies them into the transaction's unit
  // of work nor compares them at commit.
  private static final String READ_ONLY = "eclipselink.read-only";

  @Inject Transactions tx;
  @Inject RateLimiter limiter;

  /**
   * Issues a new session in a room (inside the caller's transaction); the token is returned once, its hash kept. A
   * session that is not {@code admitted} knocks.
   */
  public Credentials issue(RoomId roomId, boolean owner, boolean admitted, long now) {
    SessionId id = SessionId.random();
    SessionToken token = SessionToken.random();
    em.persist(new Participant(id, roomId, token, owner, admitted, now));
    limiter.create(BucketKey.sessionMessages(id), roomId);
    limiter.create(BucketKey.sessionFiles(id), roomId);
    return new Credentials(id.value(), token.value(), owner, admitted);
  }

  /** The session a token belongs to, or a 401 refusal. */
  public Participant authenticate(SessionToken token) {
    if (token == null) {
      throw new Refusal(Reason.UNAUTHORIZED);
    }
    List<Participant> found =
        tx.required(
            () ->
                em.createQuery("SELECT p FROM Participant p WHERE p.tokenHash = :hash", Participant.class)
                    .setParameter("hash", token.hash())
                    .setHint(READ_ONLY, "true")
                    .getResultList());
    if (found.isEmpty()) {
      throw new Refusal(Reason.UNAUTHORIZED);
    }
    return found.get(0);
  }

  /** The session a token belongs to, which must be in {@code roomId}. */
  public Participant authenticateIn(SessionToken token, RoomId roomId) {
    Participant p = authenticate(token);
    if (!p.roomId().equals(roomId)) {
      throw new Refusal(Reason.FORBIDDEN);
    }
    return p;
  }

  /** A session of {@code roomId} (inside the caller's transaction), or a 404 {@code member_not_found} refusal. */
  public Participant memberOf(RoomId roomId, SessionId sessionId) {
    Participant p = em.find(Participant.class, sessionId.value());
    if (p == null || !p.roomId().equals(roomId)) {
      throw new Refusal(Reason.MEMBER_NOT_FOUND);
    }
    return p;
  }

  /** Whether a session is admitted now: null when it no longer exists. */
  public Boolean admitted(SessionId sessionId) {
    List<Boolean> found =
        tx.required(
            () ->
                em.createQuery("SELECT p.admitted FROM Participant p WHERE p.id = :id", Boolean.class)
                    .setParameter("id", sessionId.value())
                    .getResultList());
    return found.isEmpty() ? null : found.get(0);
  }

  /** Members of a room, inside the caller's transaction. */
  public long countInRoom(RoomId roomId) {
    return em.createQuery("SELECT COUNT(p) FROM Participant p WHERE p.roomId = :room", Long.class)
        .setParameter("room", roomId.value())
        .getSingleResult();
  }

  public List<Participant> inRoom(RoomId roomId) {
    return tx.required(
        () ->
            em.createQuery(
                    "SELECT p FROM Participant p WHERE p.roomId = :room ORDER BY p.createdAt", Participant.class)
                .setParameter("room", roomId.value())
                .setHint(READ_ONLY, "true")
                .getResultList());
  }

  /** Stores a member's encrypted profile if it is newer than the one kept. Returns false for a stale one. */
  public boolean updateProfile(SessionId sessionId, long counter, String iv, String ct) {
    return tx.required(
        () -> {
          int updated =
              em.createQuery(
                      "UPDATE Participant p SET p.profileCounter = :c, p.profileIv = :iv, p.profileCt = :ct"
                          + " WHERE p.id = :id AND p.profileCounter < :c")
                  .setParameter("c", counter)
                  .setParameter("iv", iv)
                  .setParameter("ct", ct)
                  .setParameter("id", sessionId.value())
                  .executeUpdate();
          noteCounter(sessionId, counter);
          return updated == 1;
        });
  }

  /** Records that a session used counter {@code counter}, so that a reloaded page continues above it. */
  public void noteCounter(SessionId sessionId, long counter) {
    em.createQuery("UPDATE Participant p SET p.maxCounter = :c WHERE p.id = :id AND p.maxCounter < :c")
        .setParameter("c", counter)
        .setParameter("id", sessionId.value())
        .executeUpdate();
  }

  public void delete(SessionId sessionId) {
    tx.required(
        () ->
            em.createQuery("DELETE FROM Participant p WHERE p.id = :id")
                .setParameter("id", sessionId.value())
                .executeUpdate());
  }

  /** Deletes every session of a room, inside the caller's transaction. */
  public void deleteRoom(RoomId roomId) {
    em.createQuery("DELETE FROM Participant p WHERE p.roomId = :room")
        .setParameter("room", roomId.value())
        .executeUpdate();
  }
}
