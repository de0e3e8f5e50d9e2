package chat.sotto.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboxTest {
  /** A connection whose writes complete when the test says so, as a client's reads would let them. */
  private static final class Wire implements Outbox.Transport {
    final List<String> written = new ArrayList<>();
    final List<SendHandler> pending = new ArrayList<>();
    CloseReason closed;
    boolean completeInline;

    @Override
    public void send(String text, SendHandler done) {
      written.add(text);
      if (completeInline) {
        done.onResult(new SendResult());
      } else {
        pending.add(done);
      }
    }

    @Override
    public void close(CloseCode code) {
      closed = code.reason();
    }

    /** The client reads the message being written. */
    void complete() {
      pending.remove(0).onResult(new SendResult());
    }

    void fail() {
      pending.remove(0).onResult(new SendResult(new IOException("write timed out")));
    }
  }

  private static void offer(Outbox o, String frame) {
    if (o.add(frame)) {
      o.flush();
    }
  }

  @Test
  void framesQueuedDuringAWriteGoOutTogetherOnePerLine() {
    Wire wire = new Wire();
    Outbox o = new Outbox(wire, 10_000);
    offer(o, "{\"a\":1}");
    offer(o, "{\"b\":2}");
    offer(o, "{\"c\":3}");
    assertEquals(List.of("{\"a\":1}"), wire.written, "one send in flight at a time");
    wire.complete();
    assertEquals(List.of("{\"a\":1}", "{\"b\":2}\n{\"c\":3}"), wire.written);
    wire.complete();
    assertEquals(10_000, o.free());
  }

  @Test
  void aCoalescedMessageNeverPassesItsLimitAndNoFrameIsSplit() {
    Wire wire = new Wire();
    Outbox o = new Outbox(wire, 1_000_000);
    String big = "x".repeat(30_000);
    offer(o, "first");
    offer(o, big);
    offer(o, big);
    offer(o, big);
    wire.complete();
    wire.complete();
    wire.complete();
    assertEquals(List.of("first", big + "\n" + big, big), wire.written);
  }

  @Test
  void aClientThatStopsReadingIsClosedAtTheByteBudgetAndItsQueueIsLetGo() {
    Wire wire = new Wire();
    Outbox o = new Outbox(wire, 1_000);
    for (int i = 0; i < 9; i++) {
      offer(o, "y".repeat(100));
    }
    assertNull(wire.closed, "900 of 1,000 queued: still within the budget");
    assertEquals(100, o.free());
    offer(o, "y".repeat(101));
    assertTrue(o.closed());
    assertEquals(900, o.free(), "the queue is let go; only the message being written is left");
    assertFalse(o.add("more"), "nothing is queued after the close");
    assertNull(wire.closed, "the close waits for the write in flight (Liberty's close would wait for it too)");
    wire.complete();
    assertEquals(1013, wire.closed.getCloseCode().getCode());
    assertEquals("too slow", wire.closed.getReasonPhrase());
    assertEquals(List.of("y".repeat(100)), wire.written, "nothing more was written");
  }

  @Test
  void aWriteStuckPastTheSendTimeoutIsGivenUpOnceAndItsQueueIsLetGo() {
    Wire wire = new Wire();
    Outbox o = new Outbox(wire, 1_000);
    long start = System.nanoTime();
    offer(o, "y".repeat(100));
    offer(o, "z".repeat(100));
    long limit = 3_000_000_000L;
    assertFalse(o.giveUpIfStuck(start + limit / 2, limit), "a write within the send timeout is left alone");
    assertFalse(o.closed());
    long late = System.nanoTime() + limit + 1;
    assertTrue(o.giveUpIfStuck(late, limit));
    assertFalse(o.giveUpIfStuck(late + limit, limit), "given up once");
    assertTrue(o.closed());
    assertEquals(900, o.free(), "the queue is let go");
    assertFalse(o.add("more"));
    wire.fail(); // cutting the connection fails the write
    assertNull(wire.closed, "no close through the container: the caller has cut the connection");
    assertEquals(1, wire.written.size());
  }

  @Test
  void aClosedOutboxWhoseWriteIsStuckIsStillGivenUp() {
    Wire wire = new Wire();
    Outbox o = new Outbox(wire, 1_000);
    offer(o, "y".repeat(100));
    o.closeNow(CloseCode.TOO_SLOW);
    assertNull(wire.closed);
    assertTrue(o.giveUpIfStuck(System.nanoTime() + 4_000_000_000L, 3_000_000_000L));
    wire.complete();
    assertNull(wire.closed, "the deferred close is dropped: the connection was cut");
  }

  @Test
  void anIdleOutboxIsNeverGivenUp() {
    Wire wire = new Wire();
    wire.completeInline = true;
    Outbox o = new Outbox(wire, 1_000);
    offer(o, "y");
    assertFalse(o.giveUpIfStuck(System.nanoTime() + 60_000_000_000L, 3_000_000_000L));
    assertFalse(o.closed());
  }

  @Test
  void theMessageBeingWrittenCountsAgainstTheBudgetUntilItCompletes() {
    Wire wire = new Wire();
    Outbox o = new Outbox(wire, 1_000);
    offer(o, "z".repeat(600));
    assertEquals(400, o.free());
    offer(o, "z".repeat(300));
    assertEquals(100, o.free());
    wire.complete();
    assertEquals(700, o.free());
  }

  @Test
  void aFailedOrTimedOutWriteIsLeftToTheWatchdogToCut() {
    Wire wire = new Wire();
    Outbox o = new Outbox(wire, 1_000);
    long start = System.nanoTime();
    offer(o, "a");
    offer(o, "b");
    wire.fail();
    assertTrue(o.closed());
    assertEquals(List.of("a"), wire.written, "the queue is let go");
    assertNull(wire.closed, "no close through the container: it would wait behind the failed write's bytes");
    long limit = 3_000_000_000L;
    assertFalse(o.giveUpIfStuck(start, limit), "cut once the send timeout has passed since the write began");
    assertTrue(o.giveUpIfStuck(System.nanoTime() + limit + 1, limit));
  }

  @Test
  void closeAfterDrainSendsWhatIsQueuedFirst() {
    Wire wire = new Wire();
    Outbox o = new Outbox(wire, 1_000);
    offer(o, "one");
    offer(o, "gone");
    o.closeAfterDrain(CloseCode.ROOM_GONE);
    assertFalse(o.add("late"), "nothing is queued once closing");
    assertNull(wire.closed);
    wire.complete();
    assertNull(wire.closed);
    wire.complete();
    assertEquals(List.of("one", "gone"), wire.written);
    assertEquals(4404, wire.closed.getCloseCode().getCode());
  }

  @Test
  void closeAfterDrainWithNothingQueuedClosesAtOnce() {
    Wire wire = new Wire();
    Outbox o = new Outbox(wire, 1_000);
    o.closeAfterDrain(CloseCode.SESSION_ENDED);
    assertEquals(4001, wire.closed.getCloseCode().getCode());
  }

  @Test
  void writesThatCompleteInlineDrainTheQueueWithoutRecursion() {
    Wire wire = new Wire();
    wire.completeInline = true;
    Outbox o = new Outbox(wire, 100_000_000);
    for (int i = 0; i < 50_000; i++) {
      offer(o, "f" + i);
    }
    assertEquals(50_000, wire.written.size());
    assertEquals(100_000_000, o.free());
  }

  @Test
  void aWaiterForRoomRunsOnceTheClientHasReadEnough() {
    Wire wire = new Wire();
    Outbox o = new Outbox(wire, 1_000);
    offer(o, "a".repeat(500));
    offer(o, "b".repeat(300));
    offer(o, "c".repeat(100));
    int[] runs = {0};
    assertFalse(o.whenFree(100, () -> runs[0]++), "100 are free now: nothing to wait for");
    assertTrue(o.whenFree(600, () -> runs[0]++));
    wire.complete(); // 500 read; b and c (401 with the newline) in flight
    assertEquals(1, runs[0]);
    wire.complete();
    assertEquals(1, runs[0], "it runs once");
  }

  @Test
  void aClosedOutboxDropsItsWaiter() {
    Wire wire = new Wire();
    Outbox o = new Outbox(wire, 1_000);
    offer(o, "a".repeat(900));
    int[] runs = {0};
    assertTrue(o.whenFree(500, () -> runs[0]++));
    o.markClosed();
    wire.complete();
    assertEquals(0, runs[0]);
    assertFalse(o.whenFree(500, () -> runs[0]++));
  }
}
