package chat.sotto.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Flood: N sessions send maximum-size chat envelopes as fast as their sockets take them (at most a total count, for
 * at most the window), ignoring refusals, while a probe room of a few members chats at a modest rate. What matters is
 * the probe room: its ack latency (intended send to ack) during the flood, against its baseline before the flood
 * (the warm-up), and whether any of its messages were lost. The flooders' frames beyond the server's limits are
 * refused ({@code rate_limited}); they are counted, never resent.
 */
final class FloodRun {
  /** Frames a flooder keeps queued or in flight: enough to keep its socket busy, few enough to bound memory. */
  private static final int FLOOD_PENDING = 2;

  private FloodRun() {}

  /** What the flooders' sockets were told. */
  private static final class FloodCounts implements Connection.Observer {
    final LongAdder sent = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder echoes = new LongAdder();
    final LongAdder sendFailures = new LongAdder();
    final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    final Map<Integer, LongAdder> unexpectedCloses = new ConcurrentHashMap<>();

    @Override
    public void ack(Connection sender, long counter) {
      acked.increment();
    }

    @Override
    public void refused(Connection sender, String code, long counter, long retryAfterMs) {
      refused.increment();
      refusals.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    @Override
    public void message(Connection receiver, String from, long counter, long nanos) {
      echoes.increment();
    }

    @Override
    public void closed(Connection c, int code, boolean expected) {
      if (!expected) {
        unexpectedCloses.computeIfAbsent(code, k -> new LongAdder()).increment();
      }
    }

    @Override
    public void sendFailed(Connection c, Throwable error) {
      sendFailures.increment();
    }

    long answered() {
      return acked.sum() + refused.sum();
    }
  }

  static void run(BenchOptions o, ServerProbe probe, Report report) {
    Wire probeWire = new Wire(o.ctBytes, false);
    Wire floodWire = new Wire(o.floodCtBytes, false);
    double probeRatePerMember = o.probeRate / o.probeMembers;
    double loadSeconds = o.warmupSeconds + o.durationSeconds;
    int capacity = Pacer.capacity(probeRatePerMember, o.jitter, loadSeconds + 1);
    int floodersPerRoom = o.flooders / o.floodRooms;
    report
        .put("flooders", o.flooders)
        .put("floodRooms", o.floodRooms)
        .put("floodTotalCap", o.floodTotal)
        .put("floodCiphertextChars", floodWire.ciphertextChars())
        .put("probeMembers", o.probeMembers)
        .put("probeRatePerSecond", o.probeRate)
        .put("probeCiphertextChars", probeWire.ciphertextChars());

    try (Sockets sockets = new Sockets(o)) {
      BenchApi api = new BenchApi(sockets.rest(), o.target);
      long setupStart = System.nanoTime();
      List<List<BenchApi.Session>> sessions = new ArrayList<>();
      sessions.addAll(api.populate(1, o.probeMembers, LoadGenerator.setupTimeout(o)));
      sessions.addAll(api.populate(o.floodRooms, floodersPerRoom, LoadGenerator.setupTimeout(o)));
      report.put("setupRestSeconds", (System.nanoTime() - setupStart) / 1e9).put("setupRetries", api.retries());

      Deliveries deliveries = new Deliveries(probeWire, false);
      List<Connection> probeRoom = new ArrayList<>();
      List<BenchApi.Session> probeSessions = sessions.get(0);
      for (int slot = 0; slot < probeSessions.size(); slot++) {
        Connection c = new Connection(probeSessions.get(slot), slot, probeSessions.size(), deliveries);
        deliveries.register(c, capacity);
        probeRoom.add(c);
      }
      FloodCounts counts = new FloodCounts();
      List<Connection> flooders = new ArrayList<>();
      for (List<BenchApi.Session> room : sessions.subList(1, sessions.size())) {
        for (int slot = 0; slot < room.size(); slot++) {
          flooders.add(new Connection(room.get(slot), slot, room.size(), counts));
        }
      }
      List<Connection> all = new ArrayList<>(probeRoom);
      all.addAll(flooders);
      try {
        Sockets.Opened opened = sockets.openAll(all, o.parallelism, LoadGenerator.setupTimeout(o));
        report.put("setupConnectSeconds", opened.seconds());
        if (opened.failed() > 0) {
          throw new IllegalStateException(
              opened.failed() + " of " + all.size() + " connections failed to open: " + opened.firstError());
        }
        long settleDeadline = System.nanoTime() + LoadGenerator.setupTimeout(o).toNanos();
        while (deliveries.withFullPresence() < probeRoom.size() && System.nanoTime() < settleDeadline) {
          LoadGenerator.sleep(Duration.ofMillis(50));
        }

        long start = System.nanoTime() + 200_000_000L;
        long windowStart = start + (long) (o.warmupSeconds * 1e9);
        long windowEnd = windowStart + (long) (o.durationSeconds * 1e9);
        deliveries.window(windowStart, windowEnd);
        Thread pacer =
            Threads.daemon("bench-pacer")
                .newThread(
                    new Pacer(probeRoom, probeRatePerMember, o.jitter, probeWire, deliveries, start, windowEnd));
        pacer.start();
        Window window = Window.at(windowStart, probe);
        long[] floodEndedAt = {0};
        Thread flood =
            Threads.daemon("bench-flood")
                .newThread(() -> floodEndedAt[0] = flood(flooders, floodWire, counts, o.floodTotal, windowEnd));
        flood.start();
        window.end(windowEnd, report);
        join(flood, Duration.ofSeconds(30));
        join(pacer, Duration.ofSeconds(30));

        long drainDeadline = System.nanoTime() + (long) (o.drainSeconds * 1e9);
        while (!(deliveries.settled() && counts.answered() >= counts.sent.sum())
            && System.nanoTime() < drainDeadline) {
          LoadGenerator.sleep(Duration.ofMillis(50));
        }
        report.put("settled", deliveries.settled() && counts.answered() >= counts.sent.sum());

        Deliveries.Tally t = deliveries.tally(List.of(probeRoom));
        double floodSeconds = floodEndedAt[0] == 0 ? o.durationSeconds : (floodEndedAt[0] - windowStart) / 1e9;
        Map<String, Long> floodRefusals = new TreeMap<>();
        counts.refusals.forEach((k, v) -> floodRefusals.put(k, v.sum()));
        Map<Integer, Long> floodCloses = new TreeMap<>();
        counts.unexpectedCloses.forEach((k, v) -> floodCloses.put(k, v.sum()));
        report
            .latency("probeAckMs", t.ackLatencyMicros())
            .latency("probeAckBaselineMs", t.ackLatencyBeforeWindowMicros())
            .latency("probeDeliveryMs", t.latencyMicros())
            .put("probeSent", t.sent())
            .put("probeAcked", t.acked())
            .put("probeRefused", t.refused())
            .put("probeUnanswered", t.unanswered())
            .put("probeMessagesLost", t.refused() + t.unanswered())
            .put("probeDeliveriesLost", t.lost())
            .put("probeDuplicates", t.duplicates())
            .put("probeResends", t.resends())
            .put("probeRefusals", new TreeMap<>(t.refusals()))
            .put("probeConnectionErrors", t.unexpectedCloses())
            .latency("probePacerLagMs", t.pacerLagMicros())
            .put("floodSeconds", floodSeconds)
            .put("floodSent", counts.sent.sum())
            .put("floodSentPerSecond", counts.sent.sum() / Math.max(0.001, floodSeconds))
            .put("floodSentMiB", counts.sent.sum() * (floodWire.ciphertextChars() + 80.0) / 1048576)
            .put("floodAcked", counts.acked.sum())
            .put("floodRefused", counts.refused.sum())
            .put("floodUnanswered", counts.sent.sum() - counts.answered())
            .put("floodRefusals", floodRefusals)
            .put("floodEchoes", counts.echoes.sum())
            .put("floodSendErrors", counts.sendFailures.sum())
            .put("floodClosedByServer", floodCloses)
            .put("floodersOpenAtEnd", flooders.stream().filter(Connection::isOpen).count());
      } finally {
        deliveries.stop();
        sockets.closeAll(all);
        if (o.cleanup) {
          LoadGenerator.closeRooms(api, sessions, report);
        }
      }
    }
  }

  /**
   * Keeps every open flooder's socket busy with maximum-size envelopes until {@code end} or {@code total} frames;
   * returns when it stopped (nanoTime).
   */
  private static long flood(List<Connection> flooders, Wire wire, FloodCounts counts, long total, long end) {
    long sent = 0;
    while (sent < total) {
      long now = System.nanoTime();
      if (now >= end) {
        return now;
      }
      boolean any = false;
      for (Connection c : flooders) {
        if (sent >= total) {
          break;
        }
        if (c.isOpen() && c.pending() < FLOOD_PENDING) {
          counts.sent.increment();
          sent++;
          c.send(wire.chat(c.session.sessionId(), c.takeCounter()));
          any = true;
        }
      }
      if (!any) {
        LockSupport.parkNanos(50_000);
      }
    }
    return System.nanoTime();
  }

  private static void join(Thread t, Duration wait) {
    try {
      t.join(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
