package chat.sotto.limits;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Takes one token for each of many actions inside the caller's transaction (the GCRA rule of every limit here; {@link
 * RateLimiter} calls it for one action): a conditional UPDATE whose WHERE clause is the limit, so the database
 * enforces it. The actions on one
 * bucket are taken together, one statement for all of them (all admitted, the usual case), and all buckets' statements
 * go in one JDBC batch (one round trip). Only a bucket that cannot admit all of its actions is then asked action by
 * action, so that it admits as many as it can, in order.
 */
public final class TokenBatch {
  /** Outcome for an action whose bucket does not exist (its room or session is gone). */
  public static final long NO_BUCKET = -1;

  // An idle bucket (TAT in the past) counts from now; k actions fit while the TAT after the first k-1 stays within
  // the burst allowance.
  private static final String TAKE =
      "UPDATE rate_buckets SET tat = GREATEST(tat, ?) + ? WHERE bucket_key = ? AND GREATEST(tat, ?) <= ?";
  private static final String READ = "SELECT tat FROM rate_buckets WHERE bucket_key = ?";

  private TokenBatch() {}

  /**
   * Takes a token per action. {@code keys} holds one bucket key per action, sorted (equal keys adjacent; callers sort
   * so that concurrent batches lock rows in the same order). Returns per action 0 if admitted, else the milliseconds
   * until one would be, or {@link #NO_BUCKET}.
   */
  public static long[] take(Connection c, List<BucketKey> keys, Limit limit, long now) throws SQLException {
    long[] out = new long[keys.size()];
    List<int[]> runs = new ArrayList<>();
    for (int i = 0; i < keys.size(); ) {
      int j = i;
      while (j < keys.size() && keys.get(j).equals(keys.get(i))) {
        j++;
      }
      runs.add(new int[] {i, j});
      i = j;
    }
    int[] counts;
    try (PreparedStatement take = c.prepareStatement(TAKE)) {
      for (int[] run : runs) {
        bind(take, keys.get(run[0]), run[1] - run[0], limit, now);
        take.addBatch();
      }
      counts = take.executeBatch();
    }
    for (int r = 0; r < runs.size(); r++) {
      if (counts[r] != 1 && counts[r] != Statement.SUCCESS_NO_INFO) {
        oneByOne(c, keys.get(runs.get(r)[0]), runs.get(r), out, limit, now);
      }
    }
    return out;
  }

  private static void oneByOne(Connection c, BucketKey key, int[] run, long[] out, Limit limit, long now)
      throws SQLException {
    try (PreparedStatement take = c.prepareStatement(TAKE)) {
      for (int i = run[0]; i < run[1]; i++) {
        bind(take, key, 1, limit, now);
        if (take.executeUpdate() != 1) {
          long retry = retryAfter(c, key, limit, now);
          Arrays.fill(out, i, run[1], retry);
          return;
        }
      }
    }
  }

  private static void bind(PreparedStatement take, BucketKey key, int actions, Limit limit, long now)
      throws SQLException {
    take.setLong(1, now);
    take.setLong(2, actions * limit.intervalMillis());
    take.setString(3, key.value());
    take.setLong(4, now);
    take.setLong(5, limit.admitsUntil(now) - (actions - 1) * limit.intervalMillis());
  }

  private static long retryAfter(Connection c, BucketKey key, Limit limit, long now) throws SQLException {
    try (PreparedStatement read = c.prepareStatement(READ)) {
      read.setString(1, key.value());
      try (ResultSet rs = read.executeQuery()) {
        return rs.next() ? limit.retryAfter(rs.getLong(1), now) : NO_BUCKET;
      }
    }
  }
}
