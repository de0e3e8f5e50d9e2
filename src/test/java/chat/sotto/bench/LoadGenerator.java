package chat.sotto.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sotto's load generator: real rooms, sessions and WebSockets of the wire protocol (docs/PROTOCOL.md), against a
 * server on this machine's loopback. Prints a readable summary and, as its last line, one JSON object of results.
 * Modes and flags: {@link BenchOptions#USAGE}; how to start a server with benchmark limits: docs/BENCHMARKS.md.
 */
public final class LoadGenerator {
  private LoadGenerator() {}

  public static void main(String[] args) {
    if (List.of(args).contains("--help")) {
      System.out.print(BenchOptions.USAGE);
      return;
    }
    BenchOptions o;
    try {
      o = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(BenchOptions.USAGE);
      throw new IllegalArgumentException(e.getMessage());
    }
    Report r = run(o);
    System.out.print(r.summary());
    System.out.println(r.json());
    if (o.jsonOut != null) {
      try {
        Files.writeString(
            Path.of(o.jsonOut), r.json() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        System.err.println("could not write " + o.jsonOut + ": " + e.getMessage());
      }
    }
  }

  /** Runs one bounded benchmark and returns its results (used by main and by the smoke test). */
  static Report run(BenchOptions o) {
    ServerProbe probe = ServerProbe.of(o.serverPid, o.serverName, o.target.getPort());
    Report report =
        new Report()
            .put("mode", o.mode.name().toLowerCase())
            .put("startedAt", Instant.now().toString())
            .put("target", o.target.toString())
            .put("cpu", cpuModel())
            .put("cores", Runtime.getRuntime().availableProcessors())
            .put("loadAverageBefore", ServerProbe.loadAverage())
            .put("serverPid", probe == null ? null : probe.pid)
            .put("serverJvmFlags", probe == null ? null : jvmFlags(probe.pid));
    switch (o.mode) {
      case THROUGHPUT, BIGROOM -> MessageRun.run(o, probe, report);
      case IDLE -> IdleRun.run(o, probe, report);
      case JOINSTORM -> JoinStormRun.run(o, probe, report);
      case FLOOD -> FloodRun.run(o, probe, report);
      case SOAK -> SoakRun.run(o, probe, report);
    }
    report.put("serverRespondsAfterRun", responds(o));
    if (probe != null) {
      report.put("serverThreadsWaitingToClose", probe.threadsWaitingToClose());
    }
    report.put("loadAverageAfter", ServerProbe.loadAverage());
    return report;
  }

  /** Setup (REST calls, handshakes) may take a minute plus 50 ms per connection, and never more than the cap. */
  static Duration setupTimeout(BenchOptions o) {
    return Duration.ofMillis((long) Math.min(BenchOptions.MAX_SECONDS * 1000, 60_000 + 50.0 * o.totalConnections()));
  }

  /** Closes the run's rooms as their owners (their sessions and messages go with them). */
  static void closeRooms(BenchApi api, List<List<BenchApi.Session>> rooms, Report report) {
    LongAdder failed = new LongAdder();
    AtomicReference<String> firstError = new AtomicReference<>();
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (List<BenchApi.Session> room : rooms) {
      all.add(
          api.closeRoom(room.get(0))
              .whenComplete(
                  (b, e) -> {
                    if (e != null) {
                      failed.increment();
                      firstError.compareAndSet(null, BenchApi.rootMessage(e));
                    }
                  }));
    }
    try {
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      // counted per room below
    }
    report.put("cleanupFailures", failed.sum() + all.stream().filter(f -> !f.isDone()).count());
    if (firstError.get() != null) {
      report.put("cleanupError", firstError.get());
    }
  }

  /** True if the server answers GET /health within 5 s once the run's sockets are closed. */
  private static boolean responds(BenchOptions o) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try {
      HttpRequest get = HttpRequest.newBuilder(o.target.resolve("health")).timeout(Duration.ofSeconds(5)).build();
      return http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(Math.max(0, d.toMillis()), (int) (d.toNanos() % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The server JVM's heap and GC flags, from its command line. */
  private static String jvmFlags(long pid) {
    try {
      String[] args = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
          .split("\0");
      StringBuilder b = new StringBuilder();
      for (String a : args) {
        if (a.startsWith("-Xm") || a.startsWith("-Xs") || a.startsWith("-XX:")) {
          b.append(b.length() == 0 ? "" : " ").append(a);
        }
      }
      return b.toString();
    } catch (IOException e) {
      return null;
    }
  }
}
