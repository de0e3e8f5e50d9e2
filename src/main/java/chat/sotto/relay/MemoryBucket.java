package chat.sotto.relay;

import chat.sotto.limits.Limit;

/**
 * A rate bucket held in this node's memory: the same generic cell rate as the database buckets (one theoretical
 * arrival time), for checks that must be cheap and come before any shared queue. It never replaces the database
 * limit, which holds across nodes.
 */
final class MemoryBucket {
  private long tat;

  /** Takes one action at {@code now}: 0 when admitted, else the milliseconds to wait. */
  synchronized long take(Limit limit, long now) {
    long admitsUntil = now + (limit.burst() - 1) * limit.intervalMillis();
    if (tat > admitsUntil) {
      return Math.max(1, tat - admitsUntil);
    }
    tat = Math.max(tat, now) + limit.intervalMillis();
    return 0;
  }

  /** Gives back an action taken at {@code now} that did not happen after all. */
  synchronized void giveBack(Limit limit, long now) {
    tat = Math.max(now, tat - limit.intervalMillis());
  }
}
