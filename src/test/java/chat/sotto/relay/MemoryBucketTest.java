package chat.sotto.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.limits.Limit;
import org.junit.jupiter.api.Test;

class MemoryBucketTest {
  private final Limit fivePerSecondBurstOfTwenty = Limit.perSecond(5, 20);

  @Test
  void aBurstIsAdmittedThenTheRateWithTheWaitToldToTheSender() {
    MemoryBucket b = new MemoryBucket();
    long now = 1_000_000;
    for (int i = 0; i < 20; i++) {
      assertEquals(0, b.take(fivePerSecondBurstOfTwenty, now), "burst " + i);
    }
    long wait = b.take(fivePerSecondBurstOfTwenty, now);
    assertEquals(200, wait);
    assertTrue(b.take(fivePerSecondBurstOfTwenty, now + 199) > 0);
    assertEquals(0, b.take(fivePerSecondBurstOfTwenty, now + 200));
    assertEquals(200, b.take(fivePerSecondBurstOfTwenty, now + 200));
  }

  @Test
  void anIdleBucketRefillsToItsBurstAndNoFurther() {
    MemoryBucket b = new MemoryBucket();
    for (int i = 0; i < 20; i++) {
      b.take(fivePerSecondBurstOfTwenty, 0);
    }
    long later = 3_600_000;
    for (int i = 0; i < 20; i++) {
      assertEquals(0, b.take(fivePerSecondBurstOfTwenty, later));
    }
    assertTrue(b.take(fivePerSecondBurstOfTwenty, later) > 0);
  }

  @Test
  void anActionGivenBackCanBeTakenAgain() {
    MemoryBucket b = new MemoryBucket();
    Limit one = new Limit(1_000, 1);
    assertEquals(0, b.take(one, 0));
    assertTrue(b.take(one, 0) > 0);
    b.giveBack(one, 0);
    assertEquals(0, b.take(one, 0));
  }
}
