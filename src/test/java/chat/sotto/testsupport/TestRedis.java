package chat.sotto.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A private redis-server on loopback for the tests, without persistence; it can be stopped and started again. */
public final class TestRedis implements AutoCloseable {
  private final int port;
  private final Path log;
  private Process process;

  private TestRedis(int port, Path log) {
    this.port = port;
    this.log = log;
  }

  public static boolean installed() {
    return new File("/usr/bin/redis-server").canExecute();
  }

  public static TestRedis start(int port) throws IOException {
    TestRedis redis = new TestRedis(port, Files.createTempFile("sotto-redis", ".log"));
    redis.startAgain();
    return redis;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server (again) and waits until it listens. */
  public synchronized void startAgain() throws IOException {
    process =
        new ProcessBuilder(
                List.of(
                    "/usr/bin/redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--protected-mode", "yes"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    ExternalProcess.awaitPort(port, 10_000, "redis-server");
  }

  /** Stops the server and waits until the port is closed. */
  public synchronized void stop() throws IOException {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
    ExternalProcess.awaitPortClosed(port, 10_000);
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (IOException e) {
      // stopped anyway
    }
  }
}
