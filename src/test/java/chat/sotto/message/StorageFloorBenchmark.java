package chat.sotto.message;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
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
 * The storage floor: what the embedded H2 costs per message for nothing but the rows, with none of Sotto's rules
 * (no rate-limit buckets, no seq allocation, no resend check, no trim). The same message rows as the server's, 50
 * rooms of 10 senders, batches of {@value #BATCH} in one JDBC transaction each (what the writer gathers at 8,000
 * messages/s with its 10 ms linger), history trimmed off outside the timing so that each room's table stays near its
 * usual size. {@code keys}: {@code server} is the server's table (primary key room and seq, unique room, sender and
 * counter); {@code sender} the same with the unique key on sender and counter only (a sender's ID names its room);
 * {@code numeric} the server's keys with a number for the room instead of its 43-character ID; {@code primary} has the
 * primary key only, the least any store that reads history by room and seq needs.
 * Compare its score with {@link MessageBatchBenchmark#batchOf100()}: the difference is the cost of the rules.
 *
 * <p>Run: {@code mvn -Pjmh test-compile exec:exec -Djmh.args="StorageFloorBenchmark"}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class StorageFloorBenchmark {
  static final int BATCH = 80;
  private static final int ROOMS = 50;
  private static final int SENDERS = 10;
  private static final int KEEP = 1_000;

  @Param({"server", "sender", "numeric", "primary"})
  public String keys;

  private Connection c;
  private PreparedStatement insert;
  private PreparedStatement trim;
  private boolean numeric;
  private final String[] rooms = new String[ROOMS];
  private final String[] senders = new String[ROOMS * SENDERS];
  private final long[] seqs = new long[ROOMS];
  private String iv;
  private String ct;
  private long counter;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    numeric = keys.equals("numeric");
    c = DriverManager.getConnection("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE messages (room_id " + (numeric ? "BIGINT" : "VARCHAR(43)") + " NOT NULL,"
              + " seq BIGINT NOT NULL, sender_id VARCHAR(22) NOT NULL, counter BIGINT NOT NULL,"
              + " iv VARCHAR(16) NOT NULL, ct VARCHAR(22000) NOT NULL,"
              + " created_at BIGINT NOT NULL, PRIMARY KEY (room_id, seq))");
      if (keys.equals("server") || numeric) {
        s.execute("CREATE UNIQUE INDEX messages_sender_counter ON messages (room_id, sender_id, counter)");
      } else if (keys.equals("sender")) {
        s.execute("CREATE UNIQUE INDEX messages_sender_counter ON messages (sender_id, counter)");
      }
    }
    c.setAutoCommit(false);
    insert =
        c.prepareStatement(
            "INSERT INTO messages (room_id, seq, sender_id, counter, iv, ct, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    trim = c.prepareStatement("DELETE FROM messages WHERE room_id = ? AND seq <= ?");
    SecureRandom random = new SecureRandom();
    iv = base64(random, 12);
    ct = base64(random, 300);
    for (int r = 0; r < ROOMS; r++) {
      rooms[r] = base64(random, 32);
      for (int s = 0; s < SENDERS; s++) {
        senders[r * SENDERS + s] = base64(random, 16);
      }
    }
  }

  @TearDown(Level.Iteration)
  public void trimHistory() throws SQLException {
    for (int r = 0; r < ROOMS; r++) {
      bindRoom(trim, r);
      trim.setLong(2, seqs[r] - KEEP);
      trim.executeUpdate();
    }
    c.commit();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    c.close();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int[] batch() throws SQLException {
    long now = System.currentTimeMillis();
    for (int i = 0; i < BATCH; i++) {
      int k = next++ % (ROOMS * SENDERS);
      int room = k / SENDERS;
      bindRoom(insert, room);
      insert.setLong(2, ++seqs[room]);
      insert.setString(3, senders[k]);
      insert.setLong(4, ++counter);
      insert.setString(5, iv);
      insert.setString(6, ct);
      insert.setLong(7, now);
      insert.addBatch();
    }
    int[] n = insert.executeBatch();
    c.commit();
    return n;
  }

  private void bindRoom(PreparedStatement statement, int room) throws SQLException {
    if (numeric) {
      statement.setLong(1, 1_000_000_007L * (room + 1));
    } else {
      statement.setString(1, rooms[room]);
    }
  }

  private static String base64(SecureRandom random, int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
