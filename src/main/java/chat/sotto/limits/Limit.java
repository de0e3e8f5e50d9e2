package chat.sotto.limits;

/**
 * A rate: on average one action per {@code intervalMillis}, with bursts of up to {@code burst} actions.
 *
 * <p>Kept as a generic cell rate (GCRA): a bucket stores its theoretical arrival time (TAT) and nothing else.
 */
public record Limit(long intervalMillis, int burst) {
  public Limit {
    if (intervalMillis < 1 || burst < 1) {
      throw new IllegalArgumentException("a limit needs a positive interval and burst");
    }
  }

  public static Limit perSecond(double rate, int burst) {
    return new Limit(Math.max(1, Math.round(1000 / rate)), burst);
  }

  public static Limit perMinute(double rate, int burst) {
    return new Limit(Math.max(1, Math.round(60_000 / rate)), burst);
  }

  /** The latest TAT that still admits one more action at {@code now}. */
  public long admitsUntil(long now) {
    return now + (burst - 1) * intervalMillis;
  }

  /** How long to wait before an action is admitted, for a bucket whose TAT is {@code tat}. */
  public long retryAfter(long tat, long now) {
    return Math.max(1, tat - admitsUntil(now));
  }
}
