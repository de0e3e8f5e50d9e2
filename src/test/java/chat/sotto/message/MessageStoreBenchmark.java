package chat.sotto.message;

import chat.sotto.common.Transactions;
import chat.sotto.limits.RateLimiter;
import chat.sotto.room.RoomService;
import chat.sotto.session.Participant;
import chat.sotto.session.SessionId;
import chat.sotto.session.SessionStore;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.Persistence;
import java.lang.reflect.Field;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Envelope persistence: the server's own {@link MessageStore#store} (duplicate lookup, two rate-limit buckets, the
 * room's sequence allocation, the insert, the sender's counter, the periodic history trim) on H2 through EclipseLink
 * in Java SE, one resource-local transaction per message, plus each of its statements alone so the total can be
 * split. The schema comes from the server's own Flyway migrations. Differences from the server: a RESOURCE_LOCAL
 * unit and one EntityManager cleared after each transaction instead of JTA with a container-managed context, no
 * connection pool of Liberty's, and no weaving agent.
 *
 * <p>Run: {@code mvn -Pjmh test-compile exec:exec -Djmh.args="MessageStoreBenchmark"}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class MessageStoreBenchmark {
  /** mem: H2 in memory; file: an H2 file database, as the server's default datasource. */
  @Param({"file", "mem"})
  String db;

  private EntityManagerFactory emf;
  private EntityManager em;
  private Transactions tx;
  private MessageStore store;
  private RoomService rooms;
  private SessionStore sessions;
  private RateLimiter limiter;
  private MessageSettings settings;
  private Participant sender;
  private String roomId;
  private String iv;
  private String ct;
  private long counter;
  private long insertedSeq = 1_000_000_000L;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    String url =
        db.equals("mem")
            ? "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"
            : "jdbc:h2:file:./target/jmh-h2/" + UUID.randomUUID();
    // The schema of the server: its own Flyway migrations (src/main/resources/db/migration).
    Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration").load().migrate();
    emf = Persistence.createEntityManagerFactory("sotto-bench", Map.of("jakarta.persistence.jdbc.url", url));
    em = emf.createEntityManager();
    tx = new LocalTransactions(em);
    Clock clock = Clock.systemUTC();

    settings = new MessageSettings();
    settings.historyLimit = 1000;
    settings.perSecond = 1000;
    settings.burst = 1_000_000_000;
    settings.roomPerSecond = 1000;
    settings.roomBurst = 1_000_000_000;

    limiter = new RateLimiter(em);
    sessions = new SessionStore();
    inject(sessions, "em", em);
    inject(sessions, "tx", tx);
    inject(sessions, "limiter", limiter);
    rooms = new RoomService();
    inject(rooms, "em", em);
    inject(rooms, "tx", tx);
    inject(rooms, "sessions", sessions);
    inject(rooms, "limiter", limiter);
    inject(rooms, "clock", clock);

    store = new MessageStore();
    store.em = em;
    store.tx = tx;
    store.rooms = rooms;
    store.sessions = sessions;
    store.limiter = limiter;
    store.settings = settings;
    store.clock = clock;

    SecureRandom random = new SecureRandom();
    roomId = base64(random, 32);
    iv = base64(random, 12);
    ct = base64(random, 300);
    long now = clock.millis();
    // A room as RoomService.create leaves it (row and message bucket), and its owner's session as issued.
    SessionId owner = SessionId.random();
    tx.required(
        () -> {
          em.createNativeQuery(
                  "INSERT INTO rooms (id, created_at, last_activity_at, owner_session_id, last_seq) VALUES (?, ?, ?, ?, 0)")
              .setParameter(1, roomId)
              .setParameter(2, now)
              .setParameter(3, now)
              .setParameter(4, owner.value())
              .executeUpdate();
          limiter.create(RoomService.messageBucket(roomId), roomId);
        });
    String senderId = tx.required(() -> sessions.issue(roomId, true, now).sessionId());
    sender = tx.required(() -> em.find(Participant.class, senderId));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    em.close();
    emf.close();
  }

  /** The whole of storing one chat envelope, as the relay calls it. */
  @Benchmark
  public Stored store() {
    return store.store(sender, new Envelope(++counter, iv, ct));
  }

  /** An empty transaction: begin and commit. */
  @Benchmark
  public Object transactionOnly() {
    return tx.required(() -> null);
  }

  /** The resend check: does (room, sender, counter) exist? (misses, as for every new message) */
  @Benchmark
  public Object duplicateLookup() {
    return tx.required(
        () ->
            em.createQuery(
                    "SELECT m FROM StoredMessage m WHERE m.roomId = :room AND m.senderId = :sender AND m.counter = :c",
                    StoredMessage.class)
                .setParameter("room", roomId)
                .setParameter("sender", sender.id())
                .setParameter("c", -1L)
                .getResultList());
  }

  /** The two rate-limit buckets every message takes a token from (per session, per room). */
  @Benchmark
  public Object rateLimits() {
    long now = System.currentTimeMillis();
    tx.required(
        () -> {
          limiter.acquire(SessionStore.messageBucket(sender.id()), settings.perSession(), now);
          limiter.acquire(RoomService.messageBucket(roomId), settings.perRoom(), now);
        });
    return null;
  }

  /** The room's next sequence number (UPDATE, then SELECT). */
  @Benchmark
  public long nextSeq() {
    return tx.required(() -> rooms.nextSeq(roomId, System.currentTimeMillis()));
  }

  /** The INSERT of the message row alone. */
  @Benchmark
  public Object insertOnly() {
    tx.required(() -> em.persist(new StoredMessage(roomId, ++insertedSeq, sender.id(), new Envelope(1, iv, ct), 0)));
    return null;
  }

  /** The sender's highest counter (conditional UPDATE). */
  @Benchmark
  public Object noteCounter() {
    tx.required(() -> sessions.noteCounter(sender.id(), ++counter));
    return null;
  }

  /** JTA replaced by the EntityManager's own transaction; a fresh persistence context per transaction. */
  private static final class LocalTransactions extends Transactions {
    private final EntityManager em;

    LocalTransactions(EntityManager em) {
      this.em = em;
    }

    @Override
    public <T> T required(Supplier<T> work) {
      EntityTransaction t = em.getTransaction();
      if (t.isActive()) {
        return work.get();
      }
      t.begin();
      boolean committed = false;
      try {
        T result = work.get();
        t.commit();
        committed = true;
        return result;
      } finally {
        if (!committed && t.isActive()) {
          t.rollback();
        }
        em.clear();
      }
    }
  }

  private static void inject(Object target, String field, Object value) throws ReflectiveOperationException {
    Field f = target.getClass().getDeclaredField(field);
    f.setAccessible(true);
    f.set(target, value);
  }

  private static String base64(SecureRandom random, int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
