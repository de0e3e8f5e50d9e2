package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's run command, as a newcomer types it: this commit cloned into an empty folder,
 * {@code mvn -DskipTests package liberty:run} there with nothing prepared (npm fetches the QR library), until the
 * product answers, the QR library included. Not an Arquillian test: it starts its own server through
 * Maven, on ports that the build reserved, and stops and deletes everything afterwards, also when it fails. What
 * Maven and Liberty printed is kept in {@code target/fresh-clone/}.
 */
class FreshCloneIT {
  private static final Duration READY_WITHIN = Duration.ofSeconds(300);
  private static final Path LOGS = Path.of("target/fresh-clone");
  private static final String SERVER_DIR = "target/liberty/wlp/usr/servers/sotto";
  /** The README's run command (section "Run it"), after {@code mvn}. */
  static final List<String> RUN_COMMAND = List.of("-DskipTests", "package", "liberty:run");

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void theReadmeRunCommandServesTheProductFromAFreshClone() throws Exception {
    Files.createDirectories(LOGS);
    Path log = LOGS.resolve("liberty-run.log");
    Files.deleteIfExists(log);
    int httpPort = port("sotto.it.fresh.http");
    int httpsPort = port("sotto.it.fresh.https");
    URI base = URI.create("http://localhost:" + httpPort + "/");
    Path folder = Files.createTempDirectory("sotto-fresh-clone");
    Path clone = folder.resolve("sotto");
    Process maven = null;
    List<FileScan.Secret> secrets = List.of();
    try {
      Instant cloned = Instant.now();
      run(List.of("git", "clone", "--quiet", Path.of("").toAbsolutePath().toString(), clone.toString()), folder, log);
      note(log, "cloned in " + Duration.between(cloned, Instant.now()).toMillis() + " ms");

      // The README's command, in the environment of someone who just cloned: none of the settings that this test
      // run gives its own server, only spare ports instead of 9080/9443 (a developer's server may hold those).
      List<String> argv = new ArrayList<>(List.of(mvn()));
      argv.addAll(RUN_COMMAND);
      ProcessBuilder command = new ProcessBuilder(argv).directory(clone.toFile());
      Map<String, String> env = command.environment();
      env.keySet().removeIf(k -> k.startsWith("SOTTO_") || k.startsWith("KEYSTORE_") || k.startsWith("HTTP_")
          || k.startsWith("HTTPS_") || k.equals("JAVA_TOOL_OPTIONS"));
      env.put("HTTP_PORT", String.valueOf(httpPort));
      env.put("HTTPS_PORT", String.valueOf(httpsPort));
      command.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      Instant started = Instant.now();
      maven = command.start();
      Process running = maven;

      long deadline = System.nanoTime() + READY_WITHIN.toNanos();
      while (status(base.resolve("health/ready")) != 200) {
        if (!running.isAlive()) {
          throw new AssertionError("mvn " + String.join(" ", RUN_COMMAND) + " exited with " + running.exitValue()
              + " before the server was ready; see " + log.toAbsolutePath() + "\n" + tail(log));
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("not ready within " + READY_WITHIN.toSeconds() + " s; see " + log.toAbsolutePath()
              + "\n" + tail(log));
        }
        TimeUnit.MILLISECONDS.sleep(250);
      }
      Duration toReady = Duration.between(started, Instant.now());
      note(log, "ready " + toReady.toSeconds() + " s after the run command started");
      System.out.println("fresh clone: ready " + toReady.toSeconds() + " s after the run command started");

      HttpResponse<String> landing = HTTP.send(
          HttpRequest.newBuilder(base).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, landing.statusCode());
      assertTrue(landing.body().contains("A private room for a private conversation"), landing.body());
      assertTrue(landing.headers().firstValue("Content-Security-Policy").isPresent(), "security headers");
      assertTrue(landing.body().contains("Show QR code"), "the invite QR button");
      HttpResponse<String> library = HTTP.send(HttpRequest.newBuilder(base.resolve(
          "js/vendor/qrcode-generator/qrcode.mjs")).timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, library.statusCode(), "the QR library that npm ci fetched is served");
      assertEquals("text/javascript", library.headers().firstValue("Content-Type").orElse("").split(";")[0]);

      secrets = useARoomAndCloseIt(base, clone.resolve(SERVER_DIR));
    } finally {
      stop(clone, maven, log);
      if (!secrets.isEmpty()) {
        // After the server stopped, with everything it wrote flushed: still nothing of the room anywhere.
        assertEquals(List.of(), FileScan.hits(clone.resolve(SERVER_DIR), secrets), "after the server stopped");
      }
      delete(folder);
    }
  }

  /**
   * The default setup keeps rooms in memory (H2 in-memory): a room's ciphertexts, its encrypted nickname, its ID and
   * its sessions' IDs and tokens are stored (the history answers with them) yet in no file the server writes, while
   * the room lives and after it is closed.
   */
  private static List<FileScan.Secret> useARoomAndCloseIt(URI base, Path serverDir) {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(base, room);
    List<FileScan.Secret> secrets = new ArrayList<>();
    secrets.add(new FileScan.Secret("room ID", room));
    secrets.add(new FileScan.Secret("session ID", owner.sessionId()));
    secrets.add(new FileScan.Secret("token", owner.token()));
    try (RelayClient c = RelayClient.connect(Api.ws(base), owner, 0)) {
      String profile = RelayClient.envelope("profile", 1, 40);
      c.send(profile);
      secrets.add(new FileScan.Secret("encrypted nickname", Api.field(profile, "ct")));
      for (int i = 1; i <= 5; i++) {
        String frame = c.sendEnvelope(i, 300);
        secrets.add(new FileScan.Secret("ciphertext " + i, Api.field(frame, "ct")));
        long counter = i;
        c.await(f -> "ack".equals(f.getString("t", "")) && f.getJsonNumber("c").longValue() == counter, "ack " + i);
      }
    }
    String history = Api.get(base, "api/rooms/" + room + "/messages", owner.token()).body();
    secrets.stream().filter(s -> s.label().startsWith("ciphertext"))
        .forEach(s -> assertTrue(history.contains(s.value()), "stored and served: " + s.label()));
    assertEquals(List.of(), FileScan.hits(serverDir, secrets), "while the room lives");
    assertEquals(204, Api.delete(base, "api/rooms/" + room, owner.token()).statusCode());
    assertEquals(List.of(), FileScan.hits(serverDir, secrets), "after the room was closed");
    return secrets;
  }

  private static void stop(Path clone, Process maven, Path log) throws Exception {
    Path server = clone.resolve("target/liberty/wlp/bin/server");
    Path messages = clone.resolve("target/liberty/wlp/usr/servers/sotto/logs/messages.log");
    if (Files.exists(messages)) {
      Files.copy(messages, LOGS.resolve("messages.log"), StandardCopyOption.REPLACE_EXISTING);
    }
    if (Files.isExecutable(server)) {
      try {
        run(List.of(server.toString(), "stop", "sotto"), clone, log);
      } catch (IOException | AssertionError notRunning) {
        note(log, "server stop: " + notRunning.getMessage());
      }
    }
    if (maven != null) {
      if (!maven.waitFor(60, TimeUnit.SECONDS)) {
        note(log, "the run command did not end after the server stopped; killing it");
      }
      maven.descendants().forEach(ProcessHandle::destroyForcibly);
      maven.destroyForcibly();
      maven.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** The Maven that runs this build (its {@code bin/mvn}), else {@code mvn} from the PATH. */
  private static String mvn() {
    String home = System.getProperty("sotto.maven.home", "");
    Path mvn = Path.of(home, "bin", "mvn");
    return !home.isEmpty() && Files.isExecutable(mvn) ? mvn.toString() : "mvn";
  }

  private static int status(URI uri) {
    try {
      return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException notYet) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void run(List<String> command, Path dir, Path log) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("failed (" + p.exitValue() + "): " + command + "\n" + tail(log));
    }
  }

  private static void note(Path log, String line) throws IOException {
    Files.writeString(log, "[FreshCloneIT] " + line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getClass().getSimpleName() + ")";
    }
  }

  private static void delete(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (var paths = Files.walk(folder)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  private static int port(String property) {
    return Integer.parseInt(System.getProperty(property));
  }
}
