package chat.sotto.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * A real coturn on loopback for the tests, with a freshly generated shared secret: TURN REST API credentials
 * (use-auth-secret), UDP and TCP on one spare port, relay ports in a small range, no TLS, no CLI. Loopback peers are
 * allowed here only because the test browsers live on loopback; production settings are in the README.
 */
public final class TestTurnServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final String secret;
  private final Path log;

  private TestTurnServer(Process process, int port, String secret, Path log) {
    this.process = process;
    this.port = port;
    this.secret = secret;
    this.log = log;
  }

  public static boolean installed() {
    return new File("/usr/bin/turnserver").canExecute();
  }

  public static TestTurnServer start() throws IOException {
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    int port = spareTcpPort();
    int minRelay = 49152 + new SecureRandom().nextInt(10_000);
    Path log = Files.createTempFile("sotto-coturn", ".log");
    Path secretFile = Files.createTempFile("sotto-coturn", ".conf");
    Files.writeString(secretFile, "static-auth-secret=" + secret + "\n", StandardCharsets.UTF_8);
    List<String> command =
        List.of(
            "/usr/bin/turnserver",
            "-c", secretFile.toString(),
            "--listening-ip=127.0.0.1",
            "--relay-ip=127.0.0.1",
            "--listening-port=" + port,
            "--min-port=" + minRelay,
            "--max-port=" + (minRelay + 100),
            "--use-auth-secret",
            "--realm=sotto.test",
            "--allow-loopback-peers",
            "--no-multicast-peers",
            "--no-tls",
            "--no-dtls",
            "--no-cli",
            "--fingerprint",
            "--simple-log",
            "--pidfile=" + log.resolveSibling(log.getFileName() + ".pid"),
            "--log-file=" + log);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    TestTurnServer server = new TestTurnServer(p, port, secret, log);
    server.awaitListening();
    return server;
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

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitListening() throws IOException {
    try {
      ExternalProcess.awaitPort(port, 10_000, "turnserver");
    } catch (IOException e) {
      close();
      throw new IOException(e.getMessage() + ": " + log(), e);
    }
  }

  private static int spareTcpPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
