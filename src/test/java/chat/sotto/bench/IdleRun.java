package chat.sotto.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Idle capacity: N authenticated connections in rooms of {@code --members}, kept alive with pings as browsers do,
 * and what each costs the server: live heap (after a full collection) and RSS, before and after, divided by N. With
 * {@code --floor} the same connections are held on Liberty's bare endpoint (no REST, no pings): the transport's own
 * cost per connection.
 */
final class IdleRun {
  private IdleRun() {}

  private static final class Counts implements Connection.Observer {
    final LongAdder pongs = new LongAdder();
    final LongAdder unexpectedCloses = new LongAdder();
    final LongAdder sendFailures = new LongAdder();

    @Override
    public void pong(Connection c) {
      pongs.increment();
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
  }

  static void run(BenchOptions o, ServerProbe probe, Report report) {
    int rooms = (o.connections + o.members - 1) / o.members;
    report.put("rooms", rooms).put("membersPerRoom", o.members).put("connections", rooms * o.members);
    Counts counts = new Counts();
    try (Sockets sockets = new Sockets(o)) {
      BenchApi api = new BenchApi(sockets.rest(), o.target);
      long setupStart = System.nanoTime();
      List<List<BenchApi.Session>> sessions =
          o.floor
              ? MessageRun.floorSessions(rooms, o.members)
              : api.populate(rooms, o.members, LoadGenerator.setupTimeout(o));
      report.put("setupRestSeconds", (System.nanoTime() - setupStart) / 1e9).put("setupRetries", api.retries());
      List<Connection> all = new ArrayList<>();
      for (List<BenchApi.Session> room : sessions) {
        for (int slot = 0; slot < room.size(); slot++) {
          all.add(new Connection(room.get(slot), slot, room.size(), counts));
        }
      }
      ScheduledExecutorService pinger = Threads.daemonScheduler("bench-ping");
      try {
        ServerProbe.Heap before = probe == null ? null : probe.liveHeap();
        long rssBefore = probe == null ? 0 : probe.rssKb();
        Sockets.Opened opened = sockets.openAll(all, o.parallelism, LoadGenerator.setupTimeout(o));
        report
            .put("opened", opened.welcomed())
            .put("openFailed", opened.failed())
            .put("openError", opened.firstError())
            .put("openSeconds", opened.seconds())
            .put("opensPerSecond", opened.welcomed() / opened.seconds());
        if (!o.floor) {
          // The floor has no ping: a frame would be broadcast to the room, not answered.
          keepAlive(pinger, all, o.pingSeconds);
        }
        long start = System.nanoTime();
        Window window = Window.at(start, probe);
        window.end(start + (long) (o.holdSeconds * 1e9), report);
        long alive = all.stream().filter(Connection::isOpen).count();
        report
            .put("aliveAfterHold", alive)
            .put("pongs", counts.pongs.sum())
            .put("connectionErrors", counts.unexpectedCloses.sum())
            .put("sendErrors", counts.sendFailures.sum());
        if (probe != null && opened.welcomed() > 0) {
          ServerProbe.Heap after = probe.liveHeap();
          long rssAfter = probe.rssKb();
          int n = opened.welcomed();
          report
              .put("serverRssBeforeMiB", rssBefore / 1024.0)
              .put("serverRssAfterMiB", rssAfter / 1024.0)
              .put("serverHeapLiveBeforeMiB", before.usedKb() / 1024.0)
              .put("serverHeapLiveAfterMiB", after.usedKb() / 1024.0)
              .put("serverHeapCommittedAfterMiB", after.committedKb() / 1024.0)
              .put("marginalRssKiBPerConnection", (rssAfter - rssBefore) / (double) n)
              .put("marginalHeapKiBPerConnection", (after.usedKb() - before.usedKb()) / (double) n)
              .put("heapGrowthByClass", after.growth(before, n, 15));
        }
      } finally {
        pinger.shutdownNow();
        sockets.closeAll(all);
        if (o.cleanup) {
          LoadGenerator.closeRooms(api, sessions, report);
        }
      }
    }
  }

  /** Every connection pings once per {@code seconds}, spread evenly over the interval. */
  private static void keepAlive(ScheduledExecutorService pinger, List<Connection> all, double seconds) {
    long tickMillis = 100;
    int ticks = Math.max(1, (int) Math.round(seconds * 1000 / tickMillis));
    int[] tick = {0};
    pinger.scheduleAtFixedRate(
        () -> {
          int t = tick[0]++ % ticks;
          for (int i = t; i < all.size(); i += ticks) {
            all.get(i).send(Wire.PING);
          }
        },
        tickMillis,
        tickMillis,
        TimeUnit.MILLISECONDS);
  }
}
