package chat.sotto.message;

import chat.sotto.limits.Limit;
import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;
import chat.sotto.testsupport.Schemas;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Envelope persistence with group commit: the server's own {@link MessageBatch} (resend check, sender and room
 * rate-limit buckets, seq allocation per room, the inserts, the periodic trim) on an H2 database (in memory,
 * the default, or a file) made by the server's migrations, one JDBC transaction per batch. Batches come from
 * 50 rooms of 10 senders, as in the
 * generator's throughput mode. Scores are per message: {@code alone} is one transaction per message, the others
 * show what grouping saves. Differences from the
 * server: a plain JDBC connection instead of Liberty's pool and JTA.
 *
 * <p>Run: {@code mvn -Pjmh test-compile exec:exec -Djmh.args="MessageBatchBenchmark"}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class MessageBatchBenchmark {
  private static final int ROOMS = 50;
  private static final int SENDERS = 10;

  /** {@code mem}: the default in-memory H2; {@code file}: an H2 file database. */
  @Param({"mem", "file"})
  public String db;

  private Connection c;
  private MessageBatch writer;
  private final List<RoomId> rooms = new ArrayList<>();
  private final List<SessionId> senders = new ArrayList<>();
  private String iv;
  private String ct;
  private long counter;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    String url =
        db.equals("mem")
            ? "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"
            : "jdbc:h2:file:./target/jmh-h2/" + UUID.randomUUID();
    Schemas.migrate(url);
    c = DriverManager.getConnection(url, "sa", "");
    c.setAutoCommit(false);
    SecureRandom random = new SecureRandom();
    iv = base64(random, 12);
    ct = base64(random, 300);
    for (int r = 0; r < ROOMS; r++) {
      String room = base64(random, 32);
      rooms.add(new RoomId(room));
      MessageFixtures.room(c, room);
      for (int s = 0; s < SENDERS; s++) {
        String sender = base64(random, 16);
        senders.add(new SessionId(sender));
        MessageFixtures.session(c, room, sender);
      }
    }
    c.commit();
    Limit generous = new Limit(1, 1_000_000_000);
    writer = new MessageBatch(SeqAllocator.of(c), generous, generous, 1000, 8L << 20, false);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    c.close();
  }

  /** One transaction per message, as before group commit. */
  @Benchmark
  public Object alone() throws SQLException {
    return batchOf(1);
  }

  @Benchmark
  @OperationsPerInvocation(10)
  public Object batchOf10() throws SQLException {
    return batchOf(10);
  }

  @Benchmark
  @OperationsPerInvocation(100)
  public Object batchOf100() throws SQLException {
    return batchOf(100);
  }

  @Benchmark
  @OperationsPerInvocation(500)
  public Object batchOf500() throws SQLException {
    return batchOf(500);
  }

  private Object batchOf(int size) throws SQLException {
    List<MessageBatch.Item> items = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      int k = next++ % (ROOMS * SENDERS);
      items.add(new MessageBatch.Item(rooms.get(k / SENDERS), senders.get(k), new Envelope(++counter, iv, ct), false));
    }
    Object[] out = writer.store(c, items, System.currentTimeMillis());
    c.commit();
    return out;
  }

  private static String base64(SecureRandom random, int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
