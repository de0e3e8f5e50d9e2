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

  private final Process process;
  private final int port;
  private final String secret;
  private final Path dir;
  private final Path output;

  private TestTurnServer(Process process, int port, String secret, Path dir, Path output) {
    this.process = process;
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
    Path output = dir.resolve("output.txt");
    Process p =
        new ProcessBuilder(List.of("/usr/bin/turnserver", "-c", config.toString()))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    TestTurnServer server = new TestTurnServer(p, port, secret, dir, output);
    server.awaitListening();
    return server;
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
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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

  private void awaitListening() throws IOException {
    try {
      ExternalProcess.awaitPort(port, 10_000, "turnserver");
    } catch (IOException e) {
      close();
      throw new IOException(e.getMessage() + ": " + output(), e);
    }
  }

  private static int spareTcpPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
