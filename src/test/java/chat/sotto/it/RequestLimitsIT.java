package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Oversized request bodies, as an attacker sends them: three at once, 300 MB each, streamed from a generator (never
 * held in memory here). The server must refuse each with 413 and a JSON error before it reads the body, stay ready,
 * and leave no OutOfMemoryError and no FFDC incident behind.
 */
@ExtendWith(ArquillianExtension.class)
class RequestLimitsIT {
  private static final long HUGE = 300L * 1024 * 1024;
  private static final int ATTACKERS = 3;
  private static final Path SERVER_DIR =
      Path.of("target/liberty/wlp/usr/servers", System.getProperty("sotto.it.server", "sotto-it"));

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void threeConcurrentHugeBodiesWithContentLengthAreRefusedBeforeTheyAreRead() throws Exception {
    attackAndAssertTheServerHeld(false);
  }

  @Test
  void threeConcurrentHugeChunkedBodiesAreRefusedWhileTheyAreRead() throws Exception {
    attackAndAssertTheServerHeld(true);
  }

  @Test
  void aBodyAboveTheLimitIsRefusedOnEveryApiPathEvenWhereNoBodyIsRead() {
    String roomId = Api.newRoomId();
    assertEquals(201, Api.createRoom(roomId).statusCode());
    String path = "api/rooms/" + roomId + "/sessions";
    HttpResponse<String> refused = Api.post(path, "{\"pad\":\"" + "x".repeat(17 * 1024) + "\"}");
    assertEquals(413, refused.statusCode(), refused.body());
    RoomApiIT.assertJsonErrorWithoutInternals(refused);
    assertEquals("too_large", Api.field(refused.body(), "error"));
    assertEquals(201, Api.post(path, "{}").statusCode(), "a small body is passed on as it came");
  }

  private void attackAndAssertTheServerHeld(boolean chunked) throws Exception {
    Set<String> incidentsBefore = ffdcIncidents();
    long oomBefore = outOfMemoryLines();
    ExecutorService pool = Executors.newFixedThreadPool(ATTACKERS * 2);
    try {
      List<Future<Outcome>> attacks = new ArrayList<>();
      for (int i = 0; i < ATTACKERS; i++) {
        attacks.add(pool.submit(() -> sendHuge(pool, "/api/rooms", chunked)));
      }
      for (Future<Outcome> attack : attacks) {
        Outcome o = attack.get(120, TimeUnit.SECONDS);
        System.out.printf(
            Locale.ROOT,
            "huge %s body: status %d, %.1f MB written before the refusal arrived, body %s%n",
            chunked ? "chunked" : "Content-Length",
            o.status(),
            o.bytesSent() / 1e6,
            o.body());
        assertEquals(413, o.status(), "status line " + o.statusLine());
        assertTrue(o.contentType().startsWith("application/json"), o.contentType());
        assertEquals("too_large", Api.field(o.body(), "error"), o.body());
        assertTrue(o.bytesSent() < HUGE, "the server must not read the whole body");
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(200, Api.get("health/ready", null).statusCode(), "the server stays ready");
    assertEquals(200, Api.get("health/live", null).statusCode(), "the server stays live");
    assertEquals(201, Api.createRoom(Api.newRoomId()).statusCode(), "a normal request is still served");
    assertEquals(oomBefore, outOfMemoryLines(), "no OutOfMemoryError in messages.log");
    Set<String> incidents = ffdcIncidents();
    incidents.removeAll(incidentsBefore);
    assertEquals(Set.of(), incidents, "no new FFDC incident");
  }

  /** Sends a POST with a 300 MB body on a raw socket and reads what comes back. */
  private static Outcome sendHuge(ExecutorService pool, String path, boolean chunked) throws Exception {
    try (Socket socket = new Socket("localhost", SottoWar.BASE.getPort())) {
      socket.setSoTimeout((int) Duration.ofSeconds(60).toMillis());
      OutputStream out = socket.getOutputStream();
      String head =
          "POST "
              + path
              + " HTTP/1.1\r\nHost: localhost:"
              + SottoWar.BASE.getPort()
              + "\r\nContent-Type: application/json\r\nX-Forwarded-Proto: https\r\n"
              + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + HUGE + "\r\n")
              + "\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      AtomicLong sent = new AtomicLong();
      Future<?> writer = pool.submit(() -> streamBody(out, chunked, sent));
      try {
        return Outcome.read(socket.getInputStream(), sent);
      } catch (IOException e) {
        return new Outcome(-1, "connection ended: " + e.getClass().getSimpleName(), "", "", sent.get());
      } finally {
        writer.cancel(true);
      }
    }
  }

  /** Writes a generated body of {@link #HUGE} bytes until done or until the server stops taking it. */
  private static void streamBody(OutputStream out, boolean chunked, AtomicLong sent) {
    byte[] block = new byte[64 * 1024];
    Arrays.fill(block, (byte) 'A');
    byte[] prefix = "{\"roomId\":\"".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(prefix, 0, block, 0, prefix.length);
    byte[] chunkHead = (Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
    try {
      for (long written = 0; written < HUGE; written += block.length) {
        if (chunked) {
          out.write(chunkHead);
          out.write(block);
          out.write(crlf);
        } else {
          out.write(block);
        }
        sent.addAndGet(block.length);
        Arrays.fill(block, 0, prefix.length, (byte) 'A');
      }
      if (chunked) {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
    } catch (IOException expected) {
      // the server closed the connection after refusing: what it should do
    }
  }

  private static Set<String> ffdcIncidents() throws IOException {
    Path ffdc = SERVER_DIR.resolve("logs/ffdc");
    if (!Files.isDirectory(ffdc)) {
      return new HashSet<>();
    }
    try (Stream<Path> files = Files.list(ffdc)) {
      return new HashSet<>(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("ffdc_")).toList());
    }
  }

  private static long outOfMemoryLines() throws IOException {
    Path log = SERVER_DIR.resolve("logs/messages.log");
    if (!Files.exists(log)) {
      return 0;
    }
    try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
      return lines.filter(l -> l.contains("OutOfMemoryError")).count();
    }
  }

  /** What the client saw: the response (or whatever part arrived before the connection ended). */
  private record Outcome(int status, String statusLine, String contentType, String body, long bytesSent) {
    static Outcome read(InputStream in, AtomicLong sent) throws IOException {
      String statusLine = line(in);
      int contentLength = -1;
      boolean chunked = false;
      String contentType = "";
      for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
        String lower = h.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          contentLength = Integer.parseInt(h.substring(15).trim());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        } else if (lower.startsWith("content-type:")) {
          contentType = h.substring(13).trim();
        }
      }
      String body = chunked ? chunkedBody(in) : fixedBody(in, contentLength);
      int status = statusLine == null ? -1 : Integer.parseInt(statusLine.split(" ")[1]);
      return new Outcome(status, statusLine, contentType, body, sent.get());
    }

    private static String fixedBody(InputStream in, int length) throws IOException {
      return new String(length < 0 ? in.readNBytes(64 * 1024) : in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static String chunkedBody(InputStream in) throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
        body.write(in.readNBytes(size));
        line(in);
      }
      return body.toString(StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder s = new StringBuilder();
      for (int c = in.read(); c != -1; c = in.read()) {
        if (c == '\n') {
          return s.toString();
        }
        if (c != '\r') {
          s.append((char) c);
        }
      }
      return s.length() == 0 ? null : s.toString();
    }
  }

}
