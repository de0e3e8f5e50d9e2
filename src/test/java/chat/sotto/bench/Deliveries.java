package chat.sotto.bench;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The ledger of a message run. Every client lives in this JVM, so a sender notes the intended send time of counter
 * {@code c} here and every receiver looks it up by (sender, counter) when the {@code msg} frame arrives: end-to-end
 * latency without putting anything in the envelope. Receivers remember which (sender, counter) pairs they saw, so
 * duplicates are counted as they arrive and losses are counted at the end against what the server acknowledged.
 * An envelope refused as {@code unavailable} or {@code rate_limited} is sent again after the server's retryAfterMs,
 * with the same counter, as the browser client does (at most {@link #RESENDS} times); its latency still counts from
 * the first intended send.
 */
final class Deliveries implements Connection.Observer {
  static final int RESENDS = 3;

  /** Latencies in microseconds, up to an hour, 3 significant digits. */
  private final Recorder latency = new Recorder(3_600_000_000L, 3);

  private final Recorder pacerLag = new Recorder(3_600_000_000L, 3);
  /** Intended send to ack, for messages intended inside the window, and for those intended before it. */
  private final Recorder ackLatency = new Recorder(3_600_000_000L, 3);
  private final Recorder ackLatencyBefore = new Recorder(3_600_000_000L, 3);
  private final Map<String, Sender> senders = new ConcurrentHashMap<>();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder deliveredInWindow = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder unexpected = new LongAdder();
  private final LongAdder echoes = new LongAdder();
  private final LongAdder sendFailures = new LongAdder();
  private final LongAdder unexpectedCloses = new LongAdder();
  private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
  private final LongAdder resends = new LongAdder();
  private final Set<Connection> fullPresence = ConcurrentHashMap.newKeySet();
  private final Wire wire;
  private final ScheduledExecutorService resender = Threads.daemonScheduler("bench-resend");
  private volatile long windowStart = Long.MAX_VALUE;
  private volatile long windowEnd = Long.MAX_VALUE;

  private final boolean acksOnSend;

  /**
   * @param acksOnSend the server never acknowledges (Liberty's bare floor endpoint): a message counts as acknowledged
   *     once sent, so that every other member must still receive it
   */
  Deliveries(Wire wire, boolean acksOnSend) {
    this.wire = wire;
    this.acksOnSend = acksOnSend;
  }

  /** A message was handed to the sender's socket. */
  void sent(Connection sender, long counter) {
    if (acksOnSend) {
      ack(sender, counter);
    }
  }

  /** Sender side of one connection: intended send times by counter, and what the server said about each. */
  private static final class Sender {
    final Connection connection;
    final AtomicLongArray intendedAt;
    final BitSet acked = new BitSet();
    final BitSet refused = new BitSet();
    final Map<Long, Integer> resent = new HashMap<>();
    int sent;

    Sender(Connection connection, int capacity) {
      this.connection = connection;
      this.intendedAt = new AtomicLongArray(capacity + 1);
    }
  }

  void register(Connection c, int capacity) {
    Sender s = new Sender(c, capacity);
    c.ledger = s;
    senders.put(c.session.sessionId(), s);
  }

  /** The sender state of a registered connection: a field, not a lookup per message. */
  private static Sender of(Connection c) {
    return (Sender) c.ledger;
  }

  /** Latencies and throughput count from {@code start} (inclusive) to {@code end} (exclusive), in nanoTime. */
  void window(long start, long end) {
    windowStart = start;
    windowEnd = end;
  }

  /** Records that {@code c} is sent now, intended at {@code intended}; false if the sender's ledger is full. */
  boolean sending(Connection c, long counter, long intended, long now) {
    Sender s = of(c);
    if (counter >= s.intendedAt.length()) {
      return false;
    }
    s.intendedAt.set((int) counter, intended);
    synchronized (s) {
      s.sent++;
    }
    if (intended >= windowStart && intended < windowEnd) {
      pacerLag.recordValue(Math.max(0, now - intended) / 1_000);
    }
    return true;
  }

  @Override
  public void message(Connection receiver, String from, long counter, long nanos) {
    Sender s = from == null ? null : senders.get(from);
    if (s == null || counter < 1 || counter >= s.intendedAt.length()) {
      unexpected.increment();
      return;
    }
    if (s.connection == receiver) {
      echoes.increment();
      return;
    }
    long intended = s.intendedAt.get((int) counter);
    if (intended == 0 || !s.connection.session.roomId().equals(receiver.session.roomId())) {
      unexpected.increment();
      return;
    }
    if (!receiver.firstSight(s.connection.slot, counter)) {
      duplicates.increment();
      return;
    }
    delivered.increment();
    if (nanos >= windowStart && nanos < windowEnd) {
      deliveredInWindow.increment();
    }
    if (intended >= windowStart && intended < windowEnd) {
      latency.recordValue(Math.max(0, nanos - intended) / 1_000);
    }
  }

  @Override
  public void presence(Connection receiver, int online, int frameChars, long nanos) {
    if (online >= receiver.roomSize) {
      fullPresence.add(receiver);
    }
  }

  /** Connections that have seen a presence list naming their whole room. */
  int withFullPresence() {
    return fullPresence.size();
  }

  @Override
  public void ack(Connection sender, long counter) {
    long now = System.nanoTime();
    Sender s = of(sender);
    if (s != null && counter > 0 && counter < s.intendedAt.length()) {
      boolean first;
      synchronized (s) {
        first = !s.acked.get((int) counter);
        s.acked.set((int) counter);
      }
      long intended = s.intendedAt.get((int) counter);
      if (first && intended != 0) {
        if (intended >= windowStart && intended < windowEnd) {
          ackLatency.recordValue(Math.max(0, now - intended) / 1_000);
        } else if (intended < windowStart) {
          ackLatencyBefore.recordValue(Math.max(0, now - intended) / 1_000);
        }
      }
    }
  }

  @Override
  public void refused(Connection sender, String code, long counter, long retryAfterMs) {
    refusals.computeIfAbsent(code, k -> new LongAdder()).increment();
    Sender s = of(sender);
    if (s == null || counter < 1) {
      return;
    }
    boolean retry = code.equals("unavailable") || code.equals("rate_limited");
    synchronized (s) {
      int attempts = s.resent.getOrDefault(counter, 0);
      if (retry && attempts < RESENDS) {
        s.resent.put(counter, attempts + 1);
      } else {
        s.refused.set((int) counter);
        retry = false;
      }
    }
    if (retry) {
      resends.increment();
      resender.schedule(() -> sender.send(wire.chat(sender.session.sessionId(), counter)), Math.max(1, retryAfterMs), TimeUnit.MILLISECONDS);
    }
  }

  /** Stops resending (at the end of a run). */
  void stop() {
    resender.shutdownNow();
  }

  @Override
  public void closed(Connection c, int code, boolean expected) {
    if (!expected) {
      unexpectedCloses.increment();
    }
  }

  @Override
  public void sendFailed(Connection c, Throwable error) {
    sendFailures.increment();
  }

  /** Deliveries still owed: every acknowledged message, to every other member of its room. */
  long expected() {
    long total = 0;
    for (Sender s : senders.values()) {
      synchronized (s) {
        total += (long) s.acked.cardinality() * (s.connection.roomSize - 1);
      }
    }
    return total;
  }

  /** True when every message sent was answered (ack or error) and every acknowledged one reached everyone. */
  boolean settled() {
    for (Sender s : senders.values()) {
      synchronized (s) {
        if (s.acked.cardinality() + s.refused.cardinality() < s.sent) {
          return false;
        }
      }
    }
    return delivered.sum() >= expected();
  }

  /** Final tallies, after the run settled or its drain time ran out. */
  Tally tally(List<List<Connection>> rooms) {
    long sent = 0;
    long acked = 0;
    long refused = 0;
    long lost = 0;
    Map<Connection, Sender> bySender = new HashMap<>();
    senders.values().forEach(s -> bySender.put(s.connection, s));
    for (List<Connection> room : rooms) {
      for (Connection sender : room) {
        Sender s = bySender.get(sender);
        BitSet ackedCopy;
        synchronized (s) {
          sent += s.sent;
          acked += s.acked.cardinality();
          refused += s.refused.cardinality();
          ackedCopy = (BitSet) s.acked.clone();
        }
        for (Connection receiver : room) {
          if (receiver != sender) {
            lost += receiver.missing(sender.slot, ackedCopy);
          }
        }
      }
    }
    Map<String, Long> refusalCounts = new HashMap<>();
    refusals.forEach((k, v) -> refusalCounts.put(k, v.sum()));
    return new Tally(
        latency.getIntervalHistogram(),
        ackLatency.getIntervalHistogram(),
        ackLatencyBefore.getIntervalHistogram(),
        pacerLag.getIntervalHistogram(),
        sent,
        acked,
        refused,
        sent - acked - refused,
        delivered.sum(),
        deliveredInWindow.sum(),
        lost,
        duplicates.sum(),
        unexpected.sum(),
        echoes.sum(),
        sendFailures.sum(),
        resends.sum(),
        unexpectedCloses.sum(),
        refusalCounts);
  }

  /**
   * What a message run observed. Ack latency: intended send to ack, inside the window and (for a baseline) before it.
   * {@code unanswered}: sent, but neither acknowledged nor refused. */
  record Tally(
      Histogram latencyMicros,
      Histogram ackLatencyMicros,
      Histogram ackLatencyBeforeWindowMicros,
      Histogram pacerLagMicros,
      long sent,
      long acked,
      long refused,
      long unanswered,
      long delivered,
      long deliveredInWindow,
      long lost,
      long duplicates,
      long unexpected,
      long echoes,
      long sendFailures,
      long resends,
      long unexpectedCloses,
      Map<String, Long> refusals) {}
}
