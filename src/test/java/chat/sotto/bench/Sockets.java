package chat.sotto.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The generator's network side: a plain HTTP/1.1 client for REST calls ({@link PlainHttp}, one keep-alive socket per
 * call in flight), and the
 * generator's own WebSocket client ({@link NioWebSocket}) on a few selector threads that share the sockets out.
 */
final class Sockets implements AutoCloseable {
  private final PlainHttp rest;
  private final Selectors selectors;
  private final URI endpoint;

  Sockets(BenchOptions o) {
    rest = new PlainHttp(o.target, o.parallelism);
    selectors = new Selectors(o.selectors);
    endpoint = o.webSocket();
  }

  PlainHttp rest() {
    return rest;
  }

  Selectors selectors() {
    return selectors;
  }

  /** Result of opening many sockets: how many were welcomed, and the first failure if any. */
  record Opened(int welcomed, int failed, String firstError, double seconds) {}

  /**
   * Opens and authenticates every connection, at most {@code parallelism} handshakes at a time, waiting at most
   * {@code timeout} in all.
   */
  Opened openAll(List<Connection> connections, int parallelism, Duration timeout) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    Semaphore inFlight = new Semaphore(parallelism);
    List<CompletableFuture<Long>> all = new ArrayList<>(connections.size());
    for (int i = 0; i < connections.size(); i++) {
      try {
        if (!inFlight.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          break;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
      all.add(connections.get(i).open(selectors, endpoint, left).whenComplete((t, e) -> inFlight.release()));
    }
    int welcomed = 0;
    int failed = connections.size() - all.size();
    String firstError = failed > 0 ? "setup timed out before every handshake started" : null;
    for (CompletableFuture<Long> f : all) {
      try {
        f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        welcomed++;
      } catch (Exception e) {
        failed++;
        if (firstError == null) {
          firstError = BenchApi.rootMessage(e);
        }
      }
    }
    return new Opened(welcomed, failed, firstError, (System.nanoTime() - start) / 1e9);
  }

  /** Closes every connection (close frame, then a bounded wait, then abort). */
  void closeAll(List<Connection> connections) {
    List<CompletableFuture<Integer>> closing = new ArrayList<>();
    connections.forEach(c -> closing.add(c.close(Duration.ofSeconds(5))));
    try {
      CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      // a socket that did not close in time has been aborted
    }
  }

  @Override
  public void close() {
    selectors.close();
    rest.close();
  }
}
