package chat.sotto.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real coturn on loopback for the tests, running the shipped {@code deploy/turnserver.conf} with only what a test
 * machine must change: ports (a spare listening port, a small relay range), no TLS (no certificates here), a freshly
 * generated shared secret, a realm, loopback listening and relay addresses, its database and process ID file in its
 * own folder, and one loopback peer allowed (127.0.0.1, where the test browsers live; the shipped file denies every
 * other loopback address, and production allows none). Everything else, logging included, is the shipped file's.
 */
public final class TestTurnServer implements AutoCloseable {
  /** The shipped settings that a test machine replaces; every other line of the file applies as written. */
  private static final Set<String> REPLACED =
      Set.of("listening-port", "tls-listening-port", "cert", "pkey", "min-port", "max-port");

  private static final String CONFIG = "turnserver.conf";

  private final int port;
  private final String secret;
  private final Path dir;
  private final Path output;
  private Process process;

  private TestTurnServer(int port, String secret, Path dir, Path output) {
    this.port = port;
    this.secret = secret;
    this.dir = dir;
    this.output = output;
  }

  public static boolean installed() {
    return new File("/usr/bin/turnserver").canExecute();
  }

  /** The production configuration file, from the project's folder (where Maven runs the tests). */
  public static Path shippedConfig() {
    Path file = Path.of("deploy", "turnserver.conf").toAbsolutePath();
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("deploy/turnserver.conf not found from " + Path.of("").toAbsolutePath());
    }
    return file;
  }

  public static TestTurnServer start() throws IOException {
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    int port = spareTcpPort();
    int minRelay = 49152 + new SecureRandom().nextInt(10_000);
    // The folder is the process's working directory too: any file coturn writes without an absolute path lands here.
    Path dir = Files.createTempDirectory("sotto-coturn");
    Path config = dir.resolve(CONFIG);
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(shippedConfig(), StandardCharsets.UTF_8)) {
      if (!REPLACED.contains(key(line))) {
        lines.add(line);
      }
    }
    lines.addAll(
        List.of(
            "# test machine",
            "listening-ip=127.0.0.1",
            "relay-ip=127.0.0.1",
            "listening-port=" + port,
            "min-port=" + minRelay,
            "max-port=" + (minRelay + 100),
            "no-tls",
            "no-dtls",
            "static-auth-secret=" + secret,
            "realm=sotto.test",
            "allow-loopback-peers",
            "allowed-peer-ip=127.0.0.1",
            "userdb=" + dir.resolve("turndb"),
            "pidfile=" + dir.resolve("turnserver.pid")));
    // The secret is in this file (created readable by its owner only), never on the command line.
    Files.write(config, lines, StandardCharsets.UTF_8);
    TestTurnServer server = new TestTurnServer(port, secret, dir, dir.resolve("output.txt"));
    try {
      server.launch();
    } catch (IOException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** Runs coturn on the written configuration (its output appended to the file) and waits until it listens. */
  private synchronized void launch() throws IOException {
    process =
        new ProcessBuilder(List.of("/usr/bin/turnserver", "-c", dir.resolve(CONFIG).toString()))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
            .start();
    try {
      ExternalProcess.awaitPort(port, 10_000, "turnserver");
    } catch (IOException e) {
      halt();
      throw new IOException(e.getMessage() + ": " + output(), e);
    }
  }

  /** Stops the coturn process (its allocations die with it), leaving its folder as it is. */
  private synchronized void halt() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /**
   * Stops coturn until the returned outage ends: every relayed path through it breaks. Ending the outage starts
   * coturn again on the same port, with the same secret and configuration; closing it does too, so a test that
   * takes it in try-with-resources leaves the relay up for the tests after it whatever happens.
   */
  public Outage outage() throws IOException {
    halt();
    ExternalProcess.awaitPortClosed(port, 10_000);
    return new Outage();
  }

  /** A time without the relay; {@link #end()} (or {@link #close()}) brings it back. */
  public final class Outage implements AutoCloseable {
    private boolean ended;

    private Outage() {}

    /** Starts coturn again and waits until it listens on its port (once; later calls do nothing). */
    public void end() throws IOException {
      if (!ended) {
        ended = true;
        launch();
      }
    }

    @Override
    public void close() throws IOException {
      end();
    }
  }

  private static String key(String line) {
    String l = line.strip();
    if (l.isEmpty() || l.startsWith("#")) {
      return "";
    }
    int eq = l.indexOf('=');
    return eq < 0 ? l : l.substring(0, eq).strip();
  }

  public int port() {
    return port;
  }

  public String secret() {
    return secret;
  }

  /** TURN URLs for the browser, UDP and TCP. */
  public String urls() {
    return "turn:127.0.0.1:" + port + "?transport=udp,turn:127.0.0.1:" + port + "?transport=tcp";
  }

  /** What coturn printed on its standard output and error. */
  public String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Every file coturn wrote in its folder (its output, database, process ID file and whatever else), not the
   * configuration file the test wrote for it.
   */
  public List<Path> files() {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals(CONFIG)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops coturn and deletes its folder (the secret is in it). */
  @Override
  public void close() {
    halt();
    List<Path> all;
    try (Stream<Path> walk = Files.walk(dir)) {
      all = walk.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      all = List.of();
    }
    for (Path file : all) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // left for the system's temporary-file cleaning
      }
    }
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // not empty or gone already
    }
  }

  private static int spareTcpPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
