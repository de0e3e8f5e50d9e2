package chat.sotto.message;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What waits for one writer, kept per room: a batch takes the waiting rooms in turn, one item each round, so a room
 * that floods the node waits behind itself and never in front of a quiet room. Within a room the order is kept (its
 * sequence numbers follow it). Bounded three ways: items in all, bytes in all, and bytes of one room; an item over a
 * bound is refused at once, and the sender retries.
 *
 * @param <T> what is queued
 */
final class RoomQueues<T> {
  private static final long GATHER_POLL_NANOS = 1_000_000;

  private final int maxItems;
  private final long maxBytes;
  private final long maxRoomBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Map<String, Line<T>> lines = new HashMap<>();
  private final ArrayDeque<Line<T>> turns = new ArrayDeque<>();
  private int items;
  private long bytes;

  RoomQueues(int maxItems, long maxBytes, long maxRoomBytes) {
    this.maxItems = maxItems;
    this.maxBytes = maxBytes;
    this.maxRoomBytes = maxRoomBytes;
  }

  /** Queues {@code item} of {@code size} bytes for {@code room}; false when a bound would be passed. */
  boolean offer(String room, T item, int size) {
    lock.lock();
    try {
      Line<T> line = lines.get(room);
      long roomBytes = line == null ? 0 : line.bytes;
      if (items >= maxItems || bytes + size > maxBytes || (roomBytes > 0 && roomBytes + size > maxRoomBytes)) {
        return false;
      }
      if (line == null) {
        line = new Line<>(room);
        lines.put(room, line);
        turns.addLast(line);
      }
      line.waiting.addLast(new Sized<>(item, size));
      line.bytes += size;
      items++;
      bytes += size;
      notEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits up to {@code timeout} for something to queue, then moves into {@code batch} one item per room in turn,
   * until it holds {@code batchItems} items or at least {@code batchBytes} bytes (always at least one item).
   */
  void take(List<T> batch, int batchItems, long batchBytes, long timeout, TimeUnit unit) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      long nanos = unit.toNanos(timeout);
      while (items == 0) {
        if (nanos <= 0) {
          return;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      long taken = 0;
      while (items > 0 && batch.size() < batchItems && (batch.isEmpty() || taken < batchBytes)) {
        Line<T> line = turns.pollFirst();
        Sized<T> next = line.waiting.pollFirst();
        line.bytes -= next.size;
        items--;
        bytes -= next.size;
        taken += next.size;
        batch.add(next.item);
        if (line.waiting.isEmpty()) {
          lines.remove(line.room);
        } else {
          turns.addLast(line);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sleeps until {@code deadline} (System.nanoTime) unless a batch of {@code batchItems} items or {@code batchBytes}
   * bytes is waiting before that: lets a batch gather under load. Polls a few times a millisecond instead of being
   * woken by every offer, which would cost the senders a wake-up each.
   */
  void gather(long deadline, int batchItems, long batchBytes) throws InterruptedException {
    for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
      lock.lock();
      try {
        if (items >= batchItems || bytes >= batchBytes) {
          return;
        }
      } finally {
        lock.unlock();
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Math.min(left, GATHER_POLL_NANOS));
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  /** Items waiting now. */
  int size() {
    lock.lock();
    try {
      return items;
    } finally {
      lock.unlock();
    }
  }

  /** Empties the queues (the writer stops) and returns what waited. */
  void drainTo(List<T> out) {
    lock.lock();
    try {
      for (Line<T> line : turns) {
        line.waiting.forEach(s -> out.add(s.item));
      }
      turns.clear();
      lines.clear();
      items = 0;
      bytes = 0;
    } finally {
      lock.unlock();
    }
  }

  private static final class Line<T> {
    final String room;
    final ArrayDeque<Sized<T>> waiting = new ArrayDeque<>();
    long bytes;

    Line(String room) {
      this.room = room;
    }
  }

  private record Sized<T>(T item, int size) {}
}
