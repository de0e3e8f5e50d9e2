package chat.sotto.limits;

import chat.sotto.common.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/**
 * Takes tokens from database buckets. Each attempt is an atomic conditional UPDATE whose WHERE clause is the limit:
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
  public void acquire(String key, Limit limit, long now) {
    long retry = tryAcquire(key, limit, now);
    if (retry > 0) {
      throw Refusal.rateLimited(retry);
    }
  }

  /** Returns 0 if admitted, else the milliseconds after which an action would be admitted. */
  public long tryAcquire(String key, Limit limit, long now) {
    // Bucket idle long enough to be full: restart it at now + interval.
    int idle =
        em.createQuery("UPDATE RateBucket b SET b.tat = :next WHERE b.key = :key AND b.tat < :now")
            .setParameter("next", now + limit.intervalMillis())
            .setParameter("key", key)
            .setParameter("now", now)
            .executeUpdate();
    if (idle == 1) {
      return 0;
    }
    // Bucket in use: admit while its TAT stays within the burst allowance.
    int admitted =
        em.createQuery(
                "UPDATE RateBucket b SET b.tat = b.tat + :interval"
                    + " WHERE b.key = :key AND b.tat >= :now AND b.tat <= :admitsUntil")
            .setParameter("interval", limit.intervalMillis())
            .setParameter("key", key)
            .setParameter("now", now)
            .setParameter("admitsUntil", limit.admitsUntil(now))
            .executeUpdate();
    if (admitted == 1) {
      return 0;
    }
    RateBucket bucket = em.find(RateBucket.class, key);
    if (bucket == null) {
      throw new IllegalStateException("no rate-limit bucket " + key.substring(0, key.indexOf(':') + 1));
    }
    em.refresh(bucket);
    return limit.retryAfter(bucket.tat(), now);
  }

  /**
   * Creates a full bucket. Buckets are created where their key is born (a room, a session) or by a migration (the
   * deployment-wide ones), so that concurrent nodes never race to insert the same row.
   *
   * @param roomId the room the bucket dies with, or null for a global bucket
   */
  public void create(String key, String roomId) {
    em.persist(new RateBucket(key, roomId, 0));
  }

  /** Deletes every bucket that belongs to a room. */
  public void forgetRoom(String roomId) {
    em.createQuery("DELETE FROM RateBucket b WHERE b.roomId = :room").setParameter("room", roomId).executeUpdate();
  }
}
