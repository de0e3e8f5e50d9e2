package chat.sotto.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RoomQueuesTest {
  @Test
  void aQuietRoomGoesIntoTheNextBatchHoweverMuchAFloodingRoomHasQueued() throws InterruptedException {
    RoomQueues<String> q = new RoomQueues<>(1000, 1 << 20, 1 << 20);
    for (int i = 0; i < 100; i++) {
      assertTrue(q.offer("flood", "f" + i, 100));
    }
    assertTrue(q.offer("quiet", "q0", 100));
    List<String> batch = new ArrayList<>();
    q.take(batch, 4, Long.MAX_VALUE, 0, TimeUnit.SECONDS);
    assertEquals(List.of("f0", "q0", "f1", "f2"), batch);
  }

  @Test
  void eachRoomKeepsItsOrderAcrossBatches() throws InterruptedException {
    RoomQueues<String> q = new RoomQueues<>(1000, 1 << 20, 1 << 20);
    for (int i = 0; i < 5; i++) {
      q.offer("a", "a" + i, 10);
      q.offer("b", "b" + i, 10);
    }
    List<String> all = new ArrayList<>();
    List<String> batch = new ArrayList<>();
    while (all.size() < 10) {
      q.take(batch, 3, Long.MAX_VALUE, 0, TimeUnit.SECONDS);
      all.addAll(batch);
      batch.clear();
    }
    assertEquals(List.of("a0", "a1", "a2", "a3", "a4"), all.stream().filter(s -> s.startsWith("a")).toList());
    assertEquals(List.of("b0", "b1", "b2", "b3", "b4"), all.stream().filter(s -> s.startsWith("b")).toList());
  }

  @Test
  void aBatchStopsOnceItHoldsItsBytesButAlwaysTakesOneItem() throws InterruptedException {
    RoomQueues<String> q = new RoomQueues<>(1000, 1 << 20, 1 << 20);
    q.offer("a", "big", 5000);
    q.offer("b", "small", 10);
    List<String> batch = new ArrayList<>();
    q.take(batch, 100, 1000, 0, TimeUnit.SECONDS);
    assertEquals(List.of("big"), batch);
  }

  @Test
  void aRoomOverItsByteBoundIsRefusedWhileOtherRoomsAreStillTaken() {
    RoomQueues<String> q = new RoomQueues<>(1000, 10_000, 3_000);
    assertTrue(q.offer("flood", "1", 2_000));
    assertFalse(q.offer("flood", "2", 2_000), "the room's bound");
    assertTrue(q.offer("quiet", "3", 2_000));
    assertTrue(q.offer("other", "4", 2_000));
    assertTrue(q.offer("more", "5", 2_000));
    assertFalse(q.offer("last", "6", 4_000), "the bytes bound of all rooms");
  }

  @Test
  void theItemBoundHoldsAcrossRooms() {
    RoomQueues<String> q = new RoomQueues<>(2, 1 << 20, 1 << 20);
    assertTrue(q.offer("a", "1", 1));
    assertTrue(q.offer("b", "2", 1));
    assertFalse(q.offer("c", "3", 1));
  }

  @Test
  void takingFreesRoomForMore() throws InterruptedException {
    RoomQueues<String> q = new RoomQueues<>(1, 1 << 20, 1 << 20);
    assertTrue(q.offer("a", "1", 1));
    List<String> batch = new ArrayList<>();
    q.take(batch, 10, Long.MAX_VALUE, 0, TimeUnit.SECONDS);
    assertTrue(q.offer("a", "2", 1));
    List<String> left = new ArrayList<>();
    q.drainTo(left);
    assertEquals(List.of("2"), left);
  }

  @Test
  void anEmptyQueueReturnsNothingAfterItsWait() throws InterruptedException {
    RoomQueues<String> q = new RoomQueues<>(10, 100, 100);
    List<String> batch = new ArrayList<>();
    q.take(batch, 10, 100, 20, TimeUnit.MILLISECONDS);
    assertTrue(batch.isEmpty());
  }
}
