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

  @Test
  void largeMessagesUseUpAKibibyteBudgetThatSmallOnesNeverReach() {
    MemoryBucket b = new MemoryBucket();
    Limit sixteenKibPerSecondBurstOf64 = Limit.perSecond(16, 64);
    long now = 1_000_000;
    for (int i = 0; i < 2; i++) {
      assertEquals(0, b.take(sixteenKibPerSecondBurstOf64, now, 22), "largest envelope " + i);
    }
    long wait = b.take(sixteenKibPerSecondBurstOf64, now, 22);
    assertTrue(wait > 0, "a third one waits");
    assertEquals(0, b.take(sixteenKibPerSecondBurstOf64, now + wait, 22), "until the wait it was told");
    MemoryBucket small = new MemoryBucket();
    for (int i = 0; i < 50; i++) {
      assertEquals(0, small.take(sixteenKibPerSecondBurstOf64, now + i * 200L, 1), "five 1-KiB messages a second");
    }
  }

  @Test
  void aCostAboveTheBurstIsAdmittedFromAnIdleBucketOnly() {
    MemoryBucket b = new MemoryBucket();
    Limit tiny = Limit.perSecond(1, 4);
    assertEquals(0, b.take(tiny, 0, 100));
    assertTrue(b.take(tiny, 0, 1) > 0);
    b.giveBack(tiny, 0, 100);
    assertEquals(0, b.take(tiny, 0, 1));
  }
}
