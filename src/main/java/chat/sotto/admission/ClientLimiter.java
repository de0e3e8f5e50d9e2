package chat.sotto.admission;

import chat.sotto.limits.Limit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Per-client rate limits held only in memory: one small budget per key (a {@link ClientKey}, or a session for the
 * actions a session takes), one rate per {@link Action} that the limiter serves.
 *
 * <p>Each budget is a generic cell rate (GCRA), like the database buckets: per action it keeps only the theoretical
 * arrival time (TAT). A budget whose every TAT has passed is exactly as good as none, so idle budgets are dropped
 * without changing any decision: on a sweep at most once a minute, and whenever the map reaches its cap. If the cap is
 * reached by clients that are all active (an attacker with very many addresses), the budgets closest to idle are
 * dropped down to 90 % of the cap: memory stays bounded, and those clients get a fresh budget early, which the
 * deployment-wide database buckets still bound.
 */
public final class ClientLimiter<K> {
  /** What a client asks for. */
  public enum Action {
    CREATE_ROOM,
    JOIN_ROOM,
    HANDSHAKE,
    /** A session asks for ICE servers with fresh TURN credentials. */
    ICE_SERVERS
  }

  private static final long SWEEP_EVERY_MILLIS = 60_000;
  private static final Action[] ACTIONS = Action.values();

  private final Map<Action, Limit> limits;
  private final int maxClients;
  private final LongSupplier clockMillis;
  private final ConcurrentHashMap<K, long[]> budgets = new ConcurrentHashMap<>();
  private final AtomicLong nextSweep;

  /**
   * @param limits the rate of each action this limiter serves (at least one); asking it for another is a bug
   * @param clockMillis a monotonic clock in milliseconds (not the wall clock: its jumps would refill or freeze budgets)
   */
  public ClientLimiter(Map<Action, Limit> limits, int maxClients, LongSupplier clockMillis) {
    if (maxClients < 10) {
      throw new IllegalArgumentException("keep room for at least 10 clients");
    }
    if (limits.isEmpty()) {
      throw new IllegalArgumentException("a limiter serves at least one action");
    }
    this.limits = new EnumMap<>(limits);
    this.maxClients = maxClients;
    this.clockMillis = clockMillis;
    this.nextSweep = new AtomicLong(clockMillis.getAsLong() + SWEEP_EVERY_MILLIS);
  }

  /** Returns 0 if the client may do it now (and counts it), else the milliseconds after which it may. */
  public long tryAcquire(K client, Action action) {
    Limit limit = limits.get(action);
    if (limit == null) {
      throw new IllegalArgumentException("this limiter has no limit for " + action);
    }
    long now = clockMillis.getAsLong();
    sweepIfDue(now);
    if (budgets.size() >= maxClients && !budgets.containsKey(client)) {
      shrink(now);
    }
    long[] retry = new long[1];
    // compute() runs under the map's lock for this key: the check and the update are one step, and a sweep can
    // never drop a budget between them.
    budgets.compute(
        client,
        (key, tats) -> {
          long[] t = tats == null ? new long[ACTIONS.length] : tats;
          long tat = Math.max(t[action.ordinal()], now);
          long admitsUntil = now + (limit.burst() - 1) * limit.intervalMillis();
          if (tat > admitsUntil) {
            retry[0] = tat - admitsUntil;
            return tats;
          }
          t[action.ordinal()] = tat + limit.intervalMillis();
          return t;
        });
    return retry[0];
  }

  /** How many clients have a budget in memory now. */
  public int clients() {
    return budgets.size();
  }

  private void sweepIfDue(long now) {
    long due = nextSweep.get();
    if (now >= due && nextSweep.compareAndSet(due, now + SWEEP_EVERY_MILLIS)) {
      dropIdle(now);
    }
  }

  private void dropIdle(long now) {
    for (K key : budgets.keySet()) {
      budgets.computeIfPresent(key, (k, tats) -> idle(tats, now) ? null : tats);
    }
  }

  private synchronized void shrink(long now) {
    if (budgets.size() < maxClients) {
      return; // another thread made room meanwhile
    }
    dropIdle(now);
    int target = maxClients - maxClients / 10;
    if (budgets.size() <= target) {
      return;
    }
    List<Map.Entry<K, Long>> byTat = new ArrayList<>(budgets.size());
    budgets.forEach((key, tats) -> byTat.add(Map.entry(key, latest(tats))));
    byTat.sort(Comparator.comparingLong(Map.Entry::getValue));
    for (int i = 0; i < byTat.size() && budgets.size() > target; i++) {
      budgets.remove(byTat.get(i).getKey());
    }
  }

  private static boolean idle(long[] tats, long now) {
    return latest(tats) <= now;
  }

  private static long latest(long[] tats) {
    long max = Long.MIN_VALUE;
    for (long t : tats) {
      max = Math.max(max, t);
    }
    return max;
  }
}
