package chat.sotto.bench;

import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends chat envelopes from every sender at a target rate: each sender's next send is due one mean interval after
 * its previous one, plus or minus a uniform jitter, with the first send spread over the first interval. One thread
 * works through the due times in order. The intended (due) time is what latency is measured from, so a generator
 * that falls behind shows up as latency rather than hiding it (no coordinated omission); the lag itself is recorded
 * too.
 */
final class Pacer implements Runnable {
  private final List<Connection> senders;
  private final double intervalNanos;
  private final double jitter;
  private final Wire wire;
  private final Deliveries deliveries;
  private final long start;
  private final long stop;

  private static final class Slot {
    final Connection connection;
    long due;

    Slot(Connection connection, long due) {
      this.connection = connection;
      this.due = due;
    }
  }

  Pacer(List<Connection> senders, double ratePerSender, double jitter, Wire wire, Deliveries d, long start, long stop) {
    this.senders = senders;
    this.intervalNanos = 1e9 / ratePerSender;
    this.jitter = jitter;
    this.wire = wire;
    this.deliveries = d;
    this.start = start;
    this.stop = stop;
  }

  /** The most sends one sender can make between start and stop: the ledger size it needs. */
  static int capacity(double ratePerSender, double jitter, double seconds) {
    return (int) Math.ceil(seconds * ratePerSender / (1 - jitter)) + 2;
  }

  @Override
  public void run() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    PriorityQueue<Slot> queue = new PriorityQueue<>(Math.max(1, senders.size()), (a, b) -> Long.compare(a.due, b.due));
    for (Connection c : senders) {
      queue.add(new Slot(c, start + (long) (random.nextDouble() * intervalNanos)));
    }
    while (!queue.isEmpty()) {
      Slot s = queue.poll();
      if (s.due >= stop) {
        return;
      }
      for (long wait = s.due - System.nanoTime(); wait > 0; wait = s.due - System.nanoTime()) {
        LockSupport.parkNanos(wait);
      }
      long counter = s.connection.takeCounter();
      if (deliveries.sending(s.connection, counter, s.due, System.nanoTime())) {
        s.connection.send(wire.chat(s.connection.session.sessionId(), counter));
        deliveries.sent(s.connection, counter);
        s.due += (long) (intervalNanos * (1 + jitter * (2 * random.nextDouble() - 1)));
        queue.add(s);
      }
    }
  }
}
