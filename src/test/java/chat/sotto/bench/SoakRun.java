package chat.sotto.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Soak: a bounded run of ordinary life, for long enough that anything the server fails to let go of shows. Rooms
 * whose members chat at a modest rate, leave (DELETE /api/sessions/current) and are replaced by new joiners,
 * reconnect (close, then resume with {@code since}), rooms closed by their owner (DELETE the room, or the owner
 * leaving) and replaced by new ones; and a few slow clients that stop reading for a while in a room where large
 * envelopes flow, which the server's send timeout should close. The server's live heap after a full collection,
 * its RSS and its threads are taken after the warm-up (start), halfway and at the end, all under the same load, and
 * once more after everything is closed; the deltas are what to look at.
 */
final class SoakRun {
  /** Members of the slow clients' room that send large envelopes while a slow client is paused. */
  static final int SLOW_ROOM_SENDERS = 2;

  private static final int SLOW_ROOM_CT_BYTES = 16_384;
  private static final double SLOW_ROOM_RATE_PER_SENDER = 4; // under the default 5/s per session
  private static final int SLOW_RECEIVE_BUFFER = 4_096;
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
  private static final long TICK_MILLIS = 100;

  private SoakRun() {}

  /** Everything the run's sockets and calls saw. */
  private static final class Counts implements Connection.Observer {
    final LongAdder sent = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder sendFailures = new LongAdder();
    final Map<String, LongAdder> errorFrames = new ConcurrentHashMap<>();
    final Map<Integer, LongAdder> unexpectedCloses = new ConcurrentHashMap<>();
    final Map<Integer, LongAdder> expectedCloses = new ConcurrentHashMap<>();
    final Map<String, LongAdder> events = new ConcurrentHashMap<>();
    final Map<String, LongAdder> slowOutcomes = new ConcurrentHashMap<>();
    final LongAdder failures = new LongAdder();
    final AtomicReference<String> firstFailure = new AtomicReference<>();

    @Override
    public void ack(Connection sender, long counter) {
      acked.increment();
    }

    @Override
    public void message(Connection receiver, String from, long counter, long nanos) {
      received.increment();
    }

    @Override
    public void refused(Connection sender, String code, long counter, long retryAfterMs) {
      errorFrames.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    @Override
    public void closed(Connection c, int code, boolean expected) {
      (expected ? expectedCloses : unexpectedCloses).computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    @Override
    public void sendFailed(Connection c, Throwable error) {
      sendFailures.increment();
    }

    void event(String name) {
      events.computeIfAbsent(name, k -> new LongAdder()).increment();
    }

    void failed(String what, Throwable e) {
      failures.increment();
      firstFailure.compareAndSet(null, what + ": " + BenchApi.rootMessage(e));
    }
  }

  /** One room of the soak and its members' current connections (owner first). */
  private static final class Room {
    final List<BenchApi.Session> sessions;
    final List<Connection> connections;

    Room(List<BenchApi.Session> sessions, List<Connection> connections) {
      this.sessions = new CopyOnWriteArrayList<>(sessions);
      this.connections = new CopyOnWriteArrayList<>(connections);
    }
  }

  /** What the run shares between its threads. */
  private static final class Soak {
    final BenchOptions o;
    final Sockets sockets;
    final BenchApi api;
    final Counts counts = new Counts();
    final Wire wire;
    final Wire bigWire = new Wire(SLOW_ROOM_CT_BYTES, false);
    final List<Room> rooms = new CopyOnWriteArrayList<>();
    final List<Connection> retired = new CopyOnWriteArrayList<>();
    final AtomicInteger slowPaused = new AtomicInteger();
    final long end;
    volatile boolean stopping;

    Soak(BenchOptions o, Sockets sockets, long end) {
      this.o = o;
      this.sockets = sockets;
      this.api = new BenchApi(sockets.rest(), o.target);
      this.wire = new Wire(o.ctBytes, false);
      this.end = end;
    }

    Duration timeout() {
      return STEP_TIMEOUT;
    }
  }

  static void run(BenchOptions o, ServerProbe probe, Report report) {
    report
        .put("rooms", o.rooms)
        .put("membersPerRoom", o.members)
        .put("ratePerMemberPerSecond", o.ratePerMember)
        .put("churnSeconds", o.churnSeconds)
        .put("roomCloseShare", o.roomClose)
        .put("slowClients", o.slowClients)
        .put("slowPauseSeconds", o.slowPauseSeconds)
        .put("warmupSeconds", o.warmupSeconds)
        .put("durationSeconds", o.durationSeconds);
    long start = System.nanoTime();
    long measureStart = start + (long) (o.warmupSeconds * 1e9);
    long end = measureStart + (long) (o.durationSeconds * 1e9);
    try (Sockets sockets = new Sockets(o)) {
      Soak soak = new Soak(o, sockets, end);
      ScheduledExecutorService steps = Executors.newScheduledThreadPool(4, Threads.daemon("bench-soak"));
      ScheduledExecutorService ticker = Threads.daemonScheduler("bench-soak-chat");
      List<Thread> slow = new ArrayList<>();
      Room slowRoom = null;
      Map<String, Object> snapshots = new LinkedHashMap<>();
      try {
        for (List<BenchApi.Session> sessions : soak.api.populate(o.rooms, o.members, LoadGenerator.setupTimeout(o))) {
          soak.rooms.add(open(soak, sessions));
        }
        if (o.slowClients > 0) {
          slowRoom = open(soak, soak.api.populate(1, SLOW_ROOM_SENDERS, soak.timeout()).get(0));
        }
        report.put("setupSeconds", (System.nanoTime() - start) / 1e9);
        for (Room room : soak.rooms) {
          scheduleStep(soak, steps, room);
        }
        Room senders = slowRoom;
        ticker.scheduleAtFixedRate(() -> chat(soak, senders), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        for (int i = 0; i < o.slowClients && slowRoom != null; i++) {
          Thread t = Threads.daemon("bench-soak-slow").newThread(() -> slowLoop(soak, senders));
          t.start();
          slow.add(t);
        }

        sleepUntil(measureStart);
        ServerProbe.Snapshot first = snapshot(probe, soak, "start", snapshots);
        Window window = Window.at(System.nanoTime(), probe);
        sleepUntil(measureStart + (end - measureStart) / 2);
        ServerProbe.Snapshot middle = snapshot(probe, soak, "middle", snapshots);
        sleepUntil(end);
        ServerProbe.Snapshot last = snapshot(probe, soak, "end", snapshots);
        window.end(System.nanoTime(), report);
        report.put("server", snapshots);
        if (first != null && middle != null && last != null) {
          report
              .put("liveHeapDeltaMiB", Map.of("middle", middle.liveHeapMiB() - first.liveHeapMiB(), "end",
                  last.liveHeapMiB() - first.liveHeapMiB()))
              .put("rssDeltaMiB", Map.of("middle", middle.rssMiB() - first.rssMiB(), "end", last.rssMiB() - first.rssMiB()))
              .put("threadsDelta", Map.of("middle", middle.threads() - first.threads(), "end", last.threads() - first.threads()))
              .put("heapGrowthByClassKiB", growth(first.heap(), last.heap(), 8));
        }
      } finally {
        soak.stopping = true;
        ticker.shutdownNow();
        steps.shutdown();
        await(steps, Duration.ofSeconds(60));
        steps.shutdownNow();
        for (Thread t : slow) {
          join(t, Duration.ofSeconds((long) o.slowPauseSeconds + 60));
        }
        List<Connection> all = new ArrayList<>(soak.retired);
        List<List<BenchApi.Session>> owners = new ArrayList<>();
        for (Room r : soak.rooms) {
          all.addAll(r.connections);
          owners.add(r.sessions);
        }
        if (slowRoom != null) {
          all.addAll(slowRoom.connections);
          owners.add(slowRoom.sessions);
        }
        sockets.closeAll(all.stream().filter(Connection::isOpen).toList());
        if (o.cleanup) {
          LoadGenerator.closeRooms(soak.api, owners, report);
        }
        report.put("afterCleanup", snapshotOrNull(probe, soak));
        tally(soak, report);
      }
    }
  }

  private static void tally(Soak soak, Report report) {
    Counts c = soak.counts;
    report
        .put("events", sums(c.events))
        .put("messagesSent", c.sent.sum())
        .put("messagesAcked", c.acked.sum())
        .put("messagesReceived", c.received.sum())
        .put("errorFrames", sums(c.errorFrames))
        .put("unexpectedCloses", sums(c.unexpectedCloses))
        .put("expectedCloses", sums(c.expectedCloses))
        .put("slowOutcomes", sums(c.slowOutcomes))
        .put("sendErrors", c.sendFailures.sum())
        .put("failures", c.failures.sum())
        .put("firstFailure", c.firstFailure.get())
        .put("restRetries", soak.api.retries());
  }

  private static <K extends Comparable<K>> Map<K, Long> sums(Map<K, LongAdder> m) {
    Map<K, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Opens and authenticates the sockets of a room's sessions (owner first). */
  private static Room open(Soak soak, List<BenchApi.Session> sessions) {
    List<Connection> connections = new ArrayList<>();
    for (int slot = 0; slot < sessions.size(); slot++) {
      connections.add(new Connection(sessions.get(slot), slot, Math.max(sessions.size(), soak.o.members), soak.counts));
    }
    Sockets.Opened opened = soak.sockets.openAll(connections, soak.o.parallelism, soak.timeout());
    if (opened.failed() > 0) {
      throw new IllegalStateException(opened.failed() + " sockets failed to open: " + opened.firstError());
    }
    return new Room(sessions, connections);
  }

  // ---- chat ----

  /** One tick: every open member sends with probability rate x tick; the slow room's senders while someone is paused. */
  private static void chat(Soak soak, Room slowRoom) {
    if (soak.stopping || System.nanoTime() >= soak.end) {
      return;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    double p = soak.o.ratePerMember * TICK_MILLIS / 1000.0;
    for (Room room : soak.rooms) {
      for (Connection c : room.connections) {
        if (c.isOpen() && random.nextDouble() < p) {
          soak.counts.sent.increment();
          c.send(soak.wire.chat(c.session.sessionId(), c.takeCounter()));
        }
      }
    }
    if (slowRoom != null && soak.slowPaused.get() > 0) {
      double big = SLOW_ROOM_RATE_PER_SENDER * TICK_MILLIS / 1000.0;
      for (Connection c : slowRoom.connections) {
        if (c.isOpen() && random.nextDouble() < big) {
          soak.counts.sent.increment();
          c.send(soak.bigWire.chat(c.session.sessionId(), c.takeCounter()));
        }
      }
    }
  }

  // ---- membership ----

  private static void scheduleStep(Soak soak, ScheduledExecutorService steps, Room room) {
    long delayMillis = (long) (-Math.log(1 - ThreadLocalRandom.current().nextDouble()) * soak.o.churnSeconds * 1000);
    if (soak.stopping || System.nanoTime() + delayMillis * 1_000_000 >= soak.end) {
      return;
    }
    steps.schedule(
        () -> {
          Room next = room;
          try {
            if (!soak.stopping) {
              next = step(soak, room);
            }
          } catch (RuntimeException e) {
            soak.counts.failed("step", e);
          }
          scheduleStep(soak, steps, next);
        },
        delayMillis,
        TimeUnit.MILLISECONDS);
  }

  /** One membership event in {@code room}; returns the room that takes its place (itself unless it was closed). */
  private static Room step(Soak soak, Room room) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    double r = random.nextDouble();
    if (r < soak.o.roomClose) {
      return replace(soak, room, random.nextBoolean());
    }
    int slot = room.connections.size() > 1 ? 1 + random.nextInt(room.connections.size() - 1) : 0;
    if (r < soak.o.roomClose + (1 - soak.o.roomClose) / 2 && slot > 0) {
      leaveAndJoin(soak, room, slot);
    } else {
      reconnect(soak, room, slot);
    }
    return room;
  }

  /** A member leaves for good (the server closes its socket) and a newcomer joins in its place. */
  private static void leaveAndJoin(Soak soak, Room room, int slot) {
    Connection leaving = room.connections.get(slot);
    leaving.expectClose();
    try {
      soak.api.leave(leaving.session).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      soak.counts.event("leaves");
    } catch (Exception e) {
      soak.counts.failed("leave", e);
    }
    if (!awaitClosed(leaving, Duration.ofSeconds(10))) {
      soak.counts.event("socketOpenAfterLeave");
    }
    retire(soak, leaving);
    try {
      BenchApi.Session joined =
          soak.api.join(leaving.session.roomId()).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      Connection c = new Connection(joined, slot, soak.o.members, soak.counts);
      c.open(soak.sockets.selectors(), soak.o.webSocket(), STEP_TIMEOUT).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      room.sessions.set(slot, joined);
      room.connections.set(slot, c);
      soak.counts.event("joins");
    } catch (Exception e) {
      soak.counts.failed("join", e);
    }
  }

  /** A member's tab reconnects: closes its socket, then resumes after the highest seq it holds. */
  private static void reconnect(Soak soak, Room room, int slot) {
    Connection old = room.connections.get(slot);
    try {
      old.close(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // aborted after the wait
    }
    retire(soak, old);
    Connection c = new Connection(old.session, slot, soak.o.members, soak.counts, old.lastSeq());
    try {
      c.open(soak.sockets.selectors(), soak.o.webSocket(), STEP_TIMEOUT).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      room.connections.set(slot, c);
      soak.counts.event("reconnects");
    } catch (Exception e) {
      soak.counts.failed("reconnect", e);
      room.connections.set(slot, c);
    }
  }

  /**
   * Closes the room (its owner deletes it, or leaves, which deletes it too), expecting the server to close every
   * socket, then opens a new room with as many members in its place.
   */
  private static Room replace(Soak soak, Room room, boolean ownerLeaves) {
    room.connections.forEach(Connection::expectClose);
    BenchApi.Session owner = room.sessions.get(0);
    try {
      (ownerLeaves ? soak.api.leave(owner) : soak.api.closeRoom(owner)).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      soak.counts.event(ownerLeaves ? "roomsClosedByOwnerLeaving" : "roomsDeleted");
    } catch (Exception e) {
      soak.counts.failed("close room", e);
    }
    for (Connection c : room.connections) {
      if (!awaitClosed(c, Duration.ofSeconds(10))) {
        soak.counts.event("socketOpenAfterRoomClosed");
      }
      retire(soak, c);
    }
    try {
      Room fresh = open(soak, soak.api.populate(1, soak.o.members, STEP_TIMEOUT).get(0));
      soak.rooms.set(soak.rooms.indexOf(room), fresh);
      soak.counts.event("roomsCreated");
      return fresh;
    } catch (RuntimeException e) {
      soak.counts.failed("new room", e);
      return room;
    }
  }

  /** Closes a connection that is done with; keeps it for the final close only if it has not closed yet. */
  private static void retire(Soak soak, Connection c) {
    c.close(Duration.ofSeconds(2));
    soak.retired.removeIf(r -> r.closed.isDone());
    if (!c.closed.isDone()) {
      soak.retired.add(c);
    }
  }

  private static boolean awaitClosed(Connection c, Duration wait) {
    try {
      c.closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  // ---- slow clients ----

  /**
   * Over and over until the end: join the slow room, stop reading for the pause while large envelopes flow, then
   * read again and see whether the server closed the connection; leave.
   */
  private static void slowLoop(Soak soak, Room room) {
    String roomId = room.sessions.get(0).roomId();
    while (!soak.stopping && System.nanoTime() + (long) (soak.o.slowPauseSeconds * 1e9) < soak.end) {
      BenchApi.Session s;
      try {
        s = soak.api.join(roomId).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        soak.counts.failed("slow join", e);
        LoadGenerator.sleep(Duration.ofSeconds(1));
        continue;
      }
      try (SlowClient c = SlowClient.open(soak.o.webSocket(), s.token(), 0, SLOW_RECEIVE_BUFFER, STEP_TIMEOUT)) {
        soak.counts.event("slowPauses");
        soak.slowPaused.incrementAndGet();
        try {
          sleepUntil(Math.min(soak.end, System.nanoTime() + (long) (soak.o.slowPauseSeconds * 1e9)));
        } finally {
          soak.slowPaused.decrementAndGet();
        }
        SlowClient.Outcome out = c.drain(Duration.ofSeconds(3), Duration.ofSeconds(30));
        soak.counts.slowOutcomes
            .computeIfAbsent((out.closedByServer() ? "closedByServer " : "") + out.how(), k -> new LongAdder())
            .increment();
      } catch (IOException e) {
        soak.counts.failed("slow client", e);
      }
      try {
        soak.api.leave(s).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        soak.counts.failed("slow leave", e);
      }
    }
  }

  // ---- measuring ----

  private static ServerProbe.Snapshot snapshot(ServerProbe probe, Soak soak, String name, Map<String, Object> into) {
    if (probe == null) {
      return null;
    }
    ServerProbe.Snapshot s = probe.snapshot();
    into.put(name, describe(s, soak));
    return s;
  }

  /** After the run (in a finally): a failing probe must not hide what the run found. */
  private static Map<String, Object> snapshotOrNull(ServerProbe probe, Soak soak) {
    try {
      return probe == null ? null : describe(probe.snapshot(), soak);
    } catch (RuntimeException e) {
      return Map.of("error", BenchApi.rootMessage(e));
    }
  }

  private static Map<String, Object> describe(ServerProbe.Snapshot s, Soak soak) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("liveHeapMiB", s.liveHeapMiB());
    m.put("rssMiB", s.rssMiB());
    m.put("threads", s.threads());
    m.put("openSockets", soak.rooms.stream().mapToLong(r -> r.connections.stream().filter(Connection::isOpen).count()).sum());
    return m;
  }

  /** The classes whose retained bytes grew most from {@code before} to {@code after}, in KiB. */
  private static List<String> growth(ServerProbe.Heap before, ServerProbe.Heap after, int top) {
    List<Map.Entry<String, Long>> grown = new ArrayList<>();
    after.classes().forEach((k, v) -> grown.add(Map.entry(k, v[1] - before.classes().getOrDefault(k, new long[2])[1])));
    grown.sort(Comparator.comparingLong((Map.Entry<String, Long> e) -> e.getValue()).reversed());
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : grown.subList(0, Math.min(top, grown.size()))) {
      out.add(String.format(java.util.Locale.ROOT, "%s %+.1f KiB", e.getKey(), e.getValue() / 1024.0));
    }
    return out;
  }

  private static void sleepUntil(long nanos) {
    for (long wait = nanos - System.nanoTime(); wait > 0; wait = nanos - System.nanoTime()) {
      LoadGenerator.sleep(Duration.ofNanos(Math.min(wait, 200_000_000L)));
    }
  }

  private static void await(ScheduledExecutorService s, Duration wait) {
    try {
      s.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void join(Thread t, Duration wait) {
    try {
      t.join(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
