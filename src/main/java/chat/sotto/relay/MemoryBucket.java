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
  long take(Limit limit, long now) {
    return take(limit, now, 1);
  }

  /**
   * Takes {@code cost} actions at once (for example kibibytes of one message) at {@code now}: 0 when admitted, else
   * the milliseconds to wait. A cost above the burst counts as the whole burst, so it is admitted from an idle bucket.
   */
  synchronized long take(Limit limit, long now, int cost) {
    int k = Math.max(1, Math.min(cost, limit.burst()));
    long admitsUntil = now + (limit.burst() - k) * limit.intervalMillis();
    if (tat > admitsUntil) {
      return Math.max(1, tat - admitsUntil);
    }
    tat = Math.max(tat, now) + k * limit.intervalMillis();
    return 0;
  }

  /** Gives back an action taken at {@code now} that did not happen after all. */
  void giveBack(Limit limit, long now) {
    giveBack(limit, now, 1);
  }

  /** Gives back {@code cost} actions taken at {@code now} that did not happen after all. */
  synchronized void giveBack(Limit limit, long now, int cost) {
    int k = Math.max(1, Math.min(cost, limit.burst()));
    tat = Math.max(now, tat - k * limit.intervalMillis());
  }
}
