package chat.sotto.metrics;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A histogram with fixed bucket bounds: one {@link LongAdder} per bucket and a {@link DoubleAdder} for the sum, so
 * recording takes no lock and allocates nothing. A value lands in the first bucket whose upper bound it does not
 * exceed (Prometheus' {@code le}); values above the last bound land in the {@code +Inf} bucket.
 */
public final class Histogram {
  private final double[] bounds;
  private final LongAdder[] buckets;
  private final DoubleAdder sum = new DoubleAdder();

  /** {@code bounds}: the buckets' upper bounds, finite and strictly ascending ({@code +Inf} is implied). */
  public Histogram(double... bounds) {
    if (bounds.length == 0) {
      throw new IllegalArgumentException("a histogram needs at least one bound");
    }
    for (int i = 0; i < bounds.length; i++) {
      if (!Double.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
        throw new IllegalArgumentException("bounds must be finite and strictly ascending");
      }
    }
    this.bounds = bounds.clone();
    this.buckets = new LongAdder[bounds.length + 1];
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  public void record(double value) {
    int i = 0;
    while (i < bounds.length && value > bounds[i]) {
      i++;
    }
    buckets[i].increment();
    sum.add(value);
  }

  /**
   * The counts so far, cumulative as Prometheus wants them ({@code le} = each bound, then {@code +Inf}). Taken
   * without stopping recorders: the count is the {@code +Inf} bucket, so buckets and count always agree, while the
   * sum may include a value recorded meanwhile.
   */
  public Snapshot snapshot() {
    long[] cumulative = new long[buckets.length];
    long running = 0;
    for (int i = 0; i < buckets.length; i++) {
      running += buckets[i].sum();
      cumulative[i] = running;
    }
    return new Snapshot(bounds.clone(), cumulative, sum.sum());
  }

  /**
   * A histogram's state at one moment.
   *
   * @param bounds the finite upper bounds
   * @param cumulative observations at or below each bound, then all of them ({@code +Inf}): one longer than bounds
   * @param sum the sum of all observations
   */
  public record Snapshot(double[] bounds, long[] cumulative, double sum) {
    public Snapshot {
      if (cumulative.length != bounds.length + 1) {
        throw new IllegalArgumentException("one cumulative count per bound, and +Inf");
      }
    }

    public long count() {
      return cumulative[cumulative.length - 1];
    }
  }
}
