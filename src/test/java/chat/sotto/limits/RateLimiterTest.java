package chat.sotto.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The database-enforced token bucket, on a real H2 database: bursts, refill, retry hints and concurrency. */
class RateLimiterTest {
  private static final Limit FIVE_PER_SECOND_BURST_TEN = Limit.perSecond(5, 10);
  private static final RoomId ROOM_1 = new RoomId("1".repeat(42) + "0");
  private static final RoomId ROOM_2 = new RoomId("2".repeat(42) + "0");
  private static final BucketKey K = BucketKey.rooms();
  private static final BucketKey A = BucketKey.sessionMessages(new SessionId("a".repeat(21) + "A"));
  private static final BucketKey B = BucketKey.sessionMessages(new SessionId("b".repeat(21) + "A"));
  private static final BucketKey SHARED = BucketKey.sessions();
  private EntityManagerFactory emf;

  @BeforeEach
  void database() {
    String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
    emf = Persistence.createEntityManagerFactory("sotto-unit", Map.of("jakarta.persistence.jdbc.url", url));
    for (BucketKey key : List.of(K, A, B, SHARED)) {
      create(key, null);
    }
  }

  @AfterEach
  void close() {
    emf.close();
  }

  @Test
  void aBurstIsAdmittedThenTheNextActionIsRefusedWithARetryHint() {
    long now = 1_000_000;
    for (int i = 0; i < 10; i++) {
      assertEquals(0, attempt(K, now), "action " + i + " of the burst");
    }
    long retry = attempt(K, now);
    assertEquals(200, retry, "one token comes back after 1/5 s");
  }

  @Test
  void tokensComeBackAtTheConfiguredRate() {
    long now = 1_000_000;
    for (int i = 0; i < 10; i++) {
      attempt(K, now);
    }
    assertTrue(attempt(K, now + 100) > 0, "not yet");
    assertEquals(0, attempt(K, now + 200));
    assertTrue(attempt(K, now + 200) > 0, "only one came back");
    for (int i = 0; i < 10; i++) {
      assertEquals(0, attempt(K, now + 60_000), "an idle bucket is full again");
    }
  }

  @Test
  void bucketsAreIndependent() {
    long now = 5_000;
    for (int i = 0; i < 10; i++) {
      attempt(A, now);
    }
    assertTrue(attempt(A, now) > 0);
    assertEquals(0, attempt(B, now));
  }

  @Test
  void acquireThrowsARateLimitedRefusal() {
    long now = 7_000;
    for (int i = 0; i < 10; i++) {
      attempt(K, now);
    }
    Refusal refusal =
        assertThrows(
            Refusal.class,
            () -> inTransaction(em -> {
              new RateLimiter(em).acquire(K, FIVE_PER_SECOND_BURST_TEN, now);
              return 0L;
            }));
    assertEquals(Reason.RATE_LIMITED, refusal.reason());
    assertEquals(200, refusal.retryAfterMillis());
  }

  @Test
  void concurrentCallersNeverOvershootTheLimit() throws Exception {
    long now = 9_000;
    AtomicInteger admitted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < 25; i++) {
            if (attempt(SHARED, now) == 0) {
              admitted.incrementAndGet();
            }
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(10, admitted.get(), "exactly the burst, however the updates interleave");
  }

  @Test
  void forgettingARoomDeletesItsBuckets() {
    create(BucketKey.sessionMessages(new SessionId("c".repeat(21) + "A")), ROOM_1);
    create(BucketKey.join(ROOM_1), ROOM_1);
    create(BucketKey.sessionMessages(new SessionId("d".repeat(21) + "A")), ROOM_2);
    inTransaction(em -> {
      new RateLimiter(em).forgetRoom(ROOM_1);
      return 0L;
    });
    long left = inTransaction(em -> em.createQuery("SELECT COUNT(b) FROM RateBucket b", Long.class).getSingleResult());
    assertEquals(5, left, "the other room's and the global buckets stay");
  }

  @Test
  void anUnknownBucketIsAnErrorNotAFreePass() {
    assertThrows(IllegalStateException.class, () -> attempt(BucketKey.join(ROOM_2), 1));
  }

  private long attempt(BucketKey key, long now) {
    return inTransaction(em -> new RateLimiter(em).tryAcquire(key, FIVE_PER_SECOND_BURST_TEN, now));
  }

  private void create(BucketKey key, RoomId roomId) {
    inTransaction(em -> {
      new RateLimiter(em).create(key, roomId);
      return 0L;
    });
  }

  private long inTransaction(Function<EntityManager, Long> work) {
    EntityManager em = emf.createEntityManager();
    try {
      em.getTransaction().begin();
      long result = work.apply(em);
      em.getTransaction().commit();
      return result;
    } finally {
      if (em.getTransaction().isActive()) {
        em.getTransaction().rollback();
      }
      em.close();
    }
  }
}
