package chat.sotto.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Throughput and big-room modes: rooms of members that all send chat envelopes at a paced rate, while every
 * delivery to every other member is timed and accounted for.
 */
final class MessageRun {
  private MessageRun() {}

  static void run(BenchOptions o, ServerProbe probe, Report report) {
    Wire wire = new Wire(o.ctBytes, o.floor);
    double loadSeconds = o.warmupSeconds + o.durationSeconds;
    int capacity = Pacer.capacity(o.ratePerMember, o.jitter, loadSeconds + 1);
    report
        .put("rooms", o.rooms)
        .put("membersPerRoom", o.members)
        .put("connections", o.totalConnections())
        .put("ratePerMemberPerSecond", o.ratePerMember)
        .put("offeredMessagesPerSecond", o.ratePerMember * o.totalConnections())
        .put("offeredDeliveriesPerSecond", o.ratePerMember * o.totalConnections() * (o.members - 1))
        .put("ciphertextChars", wire.ciphertextChars());

    try (Sockets sockets = new Sockets(o)) {
      BenchApi api = new BenchApi(sockets.rest(), o.target);
      long setupStart = System.nanoTime();
      List<List<BenchApi.Session>> sessions =
          o.floor ? floorSessions(o.rooms, o.members) : api.populate(o.rooms, o.members, LoadGenerator.setupTimeout(o));
      report.put("setupRestSeconds", (System.nanoTime() - setupStart) / 1e9).put("setupRetries", api.retries());

      Deliveries deliveries = new Deliveries(wire, o.floor);
      List<List<Connection>> rooms = new ArrayList<>();
      List<Connection> all = new ArrayList<>();
      for (List<BenchApi.Session> room : sessions) {
        List<Connection> members = new ArrayList<>();
        for (int slot = 0; slot < room.size(); slot++) {
          Connection c = new Connection(room.get(slot), slot, room.size(), deliveries);
          deliveries.register(c, capacity);
          members.add(c);
        }
        rooms.add(members);
        all.addAll(members);
      }
      try {
        Sockets.Opened opened = sockets.openAll(all, o.parallelism, LoadGenerator.setupTimeout(o));
        report.put("setupConnectSeconds", opened.seconds());
        if (opened.failed() > 0) {
          throw new IllegalStateException(
              opened.failed() + " of " + all.size() + " connections failed to open: " + opened.firstError());
        }
        // The joins' presence broadcasts must be out of the way, or the window measures their backlog.
        long settleStart = System.nanoTime();
        long settleDeadline = settleStart + LoadGenerator.setupTimeout(o).toNanos();
        while (deliveries.withFullPresence() < all.size() && System.nanoTime() < settleDeadline) {
          LoadGenerator.sleep(Duration.ofMillis(50));
        }
        report.put("setupPresenceSettledSeconds", (System.nanoTime() - settleStart) / 1e9);
        load(o, probe, report, wire, deliveries, all);
        Deliveries.Tally t = deliveries.tally(rooms);
        report
            .put("deliveriesPerSecond", t.deliveredInWindow() / o.durationSeconds)
            .latency("latencyMs", t.latencyMicros())
            .latency("ackLatencyMs", t.ackLatencyMicros())
            .put("sent", t.sent())
            .put("acked", t.acked())
            .put("refused", t.refused())
            .put("unanswered", t.unanswered())
            .put("delivered", t.delivered())
            .put("lost", t.lost())
            .put("duplicates", t.duplicates())
            .put("unexpected", t.unexpected())
            .put("resends", t.resends())
            .put("sendErrors", t.sendFailures() + t.refused())
            .put("refusals", new TreeMap<>(t.refusals()))
            .put("connectionErrors", t.unexpectedCloses())
            .latency("pacerLagMs", t.pacerLagMicros());
        if (probe != null && report.get("serverCpuSeconds") instanceof Double cpu && t.deliveredInWindow() > 0) {
          report.put("serverCpuMicrosPerDelivery", cpu * 1e6 / t.deliveredInWindow());
        }
      } finally {
        deliveries.stop();
        sockets.closeAll(all);
        if (o.cleanup) {
          LoadGenerator.closeRooms(api, sessions, report);
        }
      }
    }
  }

  // The floor endpoint has no REST API: a room and a member are names in the auth frame's token.
  static List<List<BenchApi.Session>> floorSessions(int rooms, int members) {
    List<List<BenchApi.Session>> all = new ArrayList<>();
    for (int r = 0; r < rooms; r++) {
      List<BenchApi.Session> room = new ArrayList<>();
      for (int m = 0; m < members; m++) {
        String id = "r" + r + "m" + m;
        room.add(new BenchApi.Session("r" + r, id, "r" + r + ":" + id, m == 0));
      }
      all.add(room);
    }
    return all;
  }

  private static void load(
      BenchOptions o, ServerProbe probe, Report report, Wire wire, Deliveries deliveries, List<Connection> all) {
    long start = System.nanoTime() + 200_000_000L;
    long windowStart = start + (long) (o.warmupSeconds * 1e9);
    long windowEnd = windowStart + (long) (o.durationSeconds * 1e9);
    deliveries.window(windowStart, windowEnd);
    Thread pacer =
        Threads.daemon("bench-pacer")
            .newThread(new Pacer(all, o.ratePerMember, o.jitter, wire, deliveries, start, windowEnd));
    pacer.start();

    Window window = Window.at(windowStart, probe);
    window.end(windowEnd, report);

    long drainDeadline = System.nanoTime() + (long) (o.drainSeconds * 1e9);
    join(pacer, Duration.ofSeconds(30));
    while (!deliveries.settled() && System.nanoTime() < drainDeadline) {
      LoadGenerator.sleep(Duration.ofMillis(50));
    }
    report.put("settled", deliveries.settled());
  }

  private static void join(Thread t, Duration wait) {
    try {
      t.join(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
