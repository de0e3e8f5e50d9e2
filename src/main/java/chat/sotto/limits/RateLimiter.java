package chat.sotto.limits;

import chat.sotto.common.Refusal;
import chat.sotto.room.RoomId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Takes tokens from database buckets. Each attempt is one atomic conditional UPDATE whose WHERE clause is the limit:
 * the database admits the action only while the bucket allows it, so concurrent nodes cannot overshoot. Runs inside
 * the caller's transaction.
 */
@ApplicationScoped
public class RateLimiter {
  @PersistenceContext(unitName = "sotto")
  EntityManager em;

  @Inject
  public RateLimiter() {}

  /** For unit tests outside a container. */
  public RateLimiter(EntityManager em) {
    this.em = em;
  }

  /** Admits one action on bucket {@code key} at time {@code now} or throws a rate-limited refusal. */
  public void acquire(BucketKey key, Limit limit, long now) {
    long retry = tryAcquire(key, limit, now);
    if (retry > 0) {
      throw Refusal.rateLimited(retry);
    }
  }

  /**
   * Returns 0 if admitted, else the milliseconds after which an action would be admitted. The same statement as
   * {@link TokenBatch} (one action), on the persistence context's own connection, so it joins its transaction; pending
   * changes are flushed first so that the statement sees them.
   */
  public long tryAcquire(BucketKey key, Limit limit, long now) {
    em.flush();
    long retry;
    try {
      retry = TokenBatch.take(em.unwrap(Connection.class), List.of(key), limit, now)[0];
    } catch (SQLException e) {
      throw new PersistenceException("rate limit unavailable", e);
    }
    if (retry == TokenBatch.NO_BUCKET) {
      throw new IllegalStateException("no rate-limit bucket of kind " + key.kind());
    }
    return retry;
  }

  /**
   * Creates a full bucket. Buckets are created where their key is born (a room, a session) or by a migration (the
   * deployment-wide ones), so that concurrent nodes never race to insert the same row.
   *
   * @param roomId the room the bucket dies with, or null for a global bucket
   */
  public void create(BucketKey key, RoomId roomId) {
    em.persist(new RateBucket(key.value(), roomId == null ? null : roomId.value(), 0));
  }

  /** Deletes every bucket that belongs to a room. */
  public void forgetRoom(RoomId roomId) {
    em.createQuery("DELETE FROM RateBucket b WHERE b.roomId = :room")
        .setParameter("room", roomId.value())
        .executeUpdate();
  }
}
