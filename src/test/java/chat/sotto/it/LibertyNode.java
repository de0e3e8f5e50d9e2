package chat.sotto.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Sotto node for the multi-node and production-configuration tests: its own Liberty server in the build's Liberty
 * runtime, the project's server configuration, the real WAR, and its settings in {@code server.env}, started and
 * stopped with Liberty's own {@code server} script, or killed with SIGKILL.
 *
 * <p>A test node also gets the test servers' configDropins ({@code src/test/liberty}: it is a development server); a
 * {@linkplain #production production} node gets exactly what the container image gets, and none of the test run's
 * environment variables.
 */
final class LibertyNode implements AutoCloseable {
  private static final Path TEST_CONFIG = Path.of("src/test/liberty");

  private final Path wlp = Path.of(System.getProperty("sotto.wlp", "target/liberty/wlp"));
  private final String name;
  private final int httpPort;
  private final boolean production;

  LibertyNode(String name, int httpPort, int httpsPort, Map<String, String> settings) throws IOException {
    this(name, httpPort, httpsPort, settings, false);
  }

  /** A node with the production configuration only, configured by {@code settings} alone. */
  static LibertyNode production(String name, int httpPort, int httpsPort, Map<String, String> settings)
      throws IOException {
    return new LibertyNode(name, httpPort, httpsPort, settings, true);
  }

  private LibertyNode(String name, int httpPort, int httpsPort, Map<String, String> settings, boolean production)
      throws IOException {
    this.name = name;
    this.httpPort = httpPort;
    this.production = production;
    Path dir = wlp.resolve("usr/servers").resolve(name);
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(dir.resolve("dropins"));
    try (var configs = Files.list(Path.of("liberty/config"))) {
      for (Path f : configs.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (!production) {
      copyTree(TEST_CONFIG, dir);
    }
    Files.copy(Path.of(System.getProperty("sotto.war")), dir.resolve("dropins/sotto.war"));
    StringBuilder env = new StringBuilder();
    env.append("HTTP_PORT=").append(httpPort).append('\n');
    env.append("HTTPS_PORT=").append(httpsPort).append('\n');
    settings.forEach((k, v) -> env.append(k).append('=').append(v).append('\n'));
    Files.writeString(dir.resolve("server.env"), env.toString());
  }

  URI base() {
    return URI.create("http://localhost:" + httpPort + "/");
  }

  Path messagesLog() {
    return wlp.resolve("usr/servers").resolve(name).resolve("logs/messages.log");
  }

  URI ws() {
    return Api.ws(base());
  }

  void start() throws IOException {
    launch();
    awaitReady(Duration.ofSeconds(120));
  }

  /** Starts the server process, without waiting for the application. */
  void launch() throws IOException {
    run(List.of(wlp.resolve("bin/server").toString(), "start", name), 180);
  }

  void awaitReady(Duration timeout) {
    Await.until(name + " ready", timeout, () -> readiness() == 200);
  }

  /** HTTP status of /health/ready, or -1 when the node does not answer. */
  int readiness() {
    try {
      HttpResponse<String> r = Api.get(base(), "health/ready", null);
      return r.statusCode();
    } catch (AssertionError notListening) {
      return -1;
    }
  }

  /** Kills the node's JVM without any shutdown, as a crash would. */
  void kill() throws IOException {
    Path pidFile = wlp.resolve("usr/servers/.pid").resolve(name + ".pid");
    String pid = Files.readString(pidFile).trim();
    run(List.of("kill", "-9", pid), 10);
    Await.until(name + " gone", Duration.ofSeconds(20), () -> readiness() == -1);
  }

  @Override
  public void close() throws IOException {
    // always: a node that is still starting, or whose application refused to start, answers no readiness probe
    run(List.of(wlp.resolve("bin/server").toString(), "stop", name), 120);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private void run(List<String> command, long timeoutSeconds) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (production) {
      // nothing of the test run's environment (its database, ports, limits, a development flag) reaches the node
      builder.environment().keySet().removeIf(k -> k.startsWith("SOTTO_") || k.startsWith("KEYSTORE_")
          || k.startsWith("HTTP_") || k.startsWith("HTTPS_") || k.equals("JAVA_TOOL_OPTIONS"));
    }
    Process p = builder.start();
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + command);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
