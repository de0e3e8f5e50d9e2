package chat.sotto.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HistogramTest {
  @Test
  void bucketsAreCumulativeAndAValueOnABoundCountsInThatBucket() {
    Histogram h = new Histogram(1, 5, 10);
    for (double v : new double[] {0.5, 1, 3, 5, 7, 10, 11, 1000}) {
      h.record(v);
    }
    Histogram.Snapshot s = h.snapshot();
    assertArrayEquals(new double[] {1, 5, 10}, s.bounds());
    assertArrayEquals(new long[] {2, 4, 6, 8}, s.cumulative());
    assertEquals(8, s.count());
    assertEquals(1037.5, s.sum(), 1e-9);
  }

  @Test
  void anEmptyHistogramCountsNothing() {
    Histogram.Snapshot s = new Histogram(0.001, 0.01).snapshot();
    assertArrayEquals(new long[] {0, 0, 0}, s.cumulative());
    assertEquals(0, s.count());
    assertEquals(0, s.sum());
  }

  @Test
  void recordsFromManyThreadsAreAllCounted() throws InterruptedException {
    Histogram h = new Histogram(10, 100);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      pool.execute(
          () -> {
            for (int i = 0; i < 10_000; i++) {
              h.record(i % 200);
            }
          });
    }
    pool.shutdown();
    assertEquals(true, pool.awaitTermination(30, TimeUnit.SECONDS));
    Histogram.Snapshot s = h.snapshot();
    assertEquals(40_000, s.count());
    assertEquals(4 * 50 * 11, s.cumulative()[0]);
    assertEquals(4 * 50 * 101, s.cumulative()[1]);
  }

  @Test
  void boundsMustBeFiniteAndStrictlyAscending() {
    assertThrows(IllegalArgumentException.class, () -> new Histogram());
    assertThrows(IllegalArgumentException.class, () -> new Histogram(1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Histogram(5, 1));
    assertThrows(IllegalArgumentException.class, () -> new Histogram(1, Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> new Histogram(Double.NaN));
  }
}
