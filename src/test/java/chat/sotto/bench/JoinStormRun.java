package chat.sotto.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Join storm: the sessions of one room are issued first (REST, not timed), then all members open their sockets at
 * once; the clock runs until every member has received a presence list naming every member.
 */
final class JoinStormRun {
  private JoinStormRun() {}

  private static final class Storm implements Connection.Observer {
    final int members;
    final long start;
    final CountDownLatch complete;
    final Map<Connection, Boolean> full = new ConcurrentHashMap<>();
    final Recorder welcomeMicros = new Recorder(3_600_000_000L, 3);
    final Recorder fullPresenceMicros = new Recorder(3_600_000_000L, 3);
    final LongAdder presenceFrames = new LongAdder();
    final LongAdder presenceChars = new LongAdder();
    final LongAdder unexpectedCloses = new LongAdder();
    volatile long lastFullAt;

    Storm(int members, long start) {
      this.members = members;
      this.start = start;
      this.complete = new CountDownLatch(members);
    }

    @Override
    public void welcomed(Connection c, long nanos) {
      welcomeMicros.recordValue((nanos - start) / 1_000);
    }

    @Override
    public void presence(Connection receiver, int online, int frameChars, long nanos) {
      presenceFrames.increment();
      presenceChars.add(frameChars);
      if (online >= members && full.putIfAbsent(receiver, true) == null) {
        fullPresenceMicros.recordValue((nanos - start) / 1_000);
        lastFullAt = Math.max(lastFullAt, nanos);
        complete.countDown();
      }
    }

    @Override
    public void closed(Connection c, int code, boolean expected) {
      if (!expected) {
        unexpectedCloses.increment();
      }
    }
  }

  static void run(BenchOptions o, ServerProbe probe, Report report) {
    report.put("members", o.members);
    try (Sockets sockets = new Sockets(o)) {
      BenchApi api = new BenchApi(sockets.rest(), o.target);
      long setupStart = System.nanoTime();
      List<List<BenchApi.Session>> sessions = api.populate(1, o.members, LoadGenerator.setupTimeout(o));
      report.put("setupRestSeconds", (System.nanoTime() - setupStart) / 1e9).put("setupRetries", api.retries());
      List<BenchApi.Session> room = sessions.get(0);
      long start = System.nanoTime();
      Storm storm = new Storm(room.size(), start);
      List<Connection> all =
          java.util.stream.IntStream.range(0, room.size())
              .mapToObj(slot -> new Connection(room.get(slot), slot, room.size(), storm))
              .toList();
      try {
        Window window = Window.at(start, probe);
        Sockets.Opened opened = sockets.openAll(all, all.size(), Duration.ofMillis((long) (o.timeoutSeconds * 1000)));
        boolean complete = await(storm.complete, start + (long) (o.timeoutSeconds * 1e9));
        window.end(System.nanoTime(), report);
        Histogram welcome = storm.welcomeMicros.getIntervalHistogram();
        Histogram full = storm.fullPresenceMicros.getIntervalHistogram();
        report
            .put("complete", complete)
            .put("welcomed", opened.welcomed())
            .put("openFailed", opened.failed())
            .put("openError", opened.firstError())
            .put("allWelcomedSeconds", welcome.getMaxValue() / 1e6)
            .put("fullPresenceSeconds", complete ? (storm.lastFullAt - start) / 1e9 : Double.NaN)
            .put("membersWithFullPresence", storm.full.size())
            .latency("welcomeMs", welcome)
            .latency("fullPresenceMs", full)
            .put("presenceFrames", storm.presenceFrames.sum())
            .put("presenceMiB", storm.presenceChars.sum() / 1048576.0)
            .put("connectionErrors", storm.unexpectedCloses.sum());
      } finally {
        sockets.closeAll(all);
        if (o.cleanup) {
          LoadGenerator.closeRooms(api, sessions, report);
        }
      }
    }
  }

  private static boolean await(CountDownLatch latch, long deadlineNanos) {
    try {
      return latch.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
