package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.testsupport.IntegrationServices;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No file the server writes names a client. The test plays a client from a loopback address of its own (127.0.0.77,
 * which nothing else uses, so any occurrence is this client) and drives the error paths where servers tend to log
 * connection details: a TLS 1.2 handshake (refused: TLS 1.3 only), an oversized body, malformed WebSocket frames, a
 * connection reset while the server writes to it, and resends that collide in the database (on PostgreSQL a unique
 * violation, which PostgreSQL logs with its key unless told not to). Then every file under the server's folder (logs,
 * FFDC, trace, workarea) and, on PostgreSQL, the database's log must hold neither that address, nor the address it
 * claimed in X-Forwarded-For, nor the room ID, session IDs or tokens it used, nor the wrong secret it presented to
 * {@code /metrics}.
 */
@ExtendWith(ArquillianExtension.class)
class ServerFilesPrivacyIT {
  private static final String CLIENT = "127.0.0.77";
  private static final String FORWARDED = "198.18.77.77";
  /** How long the logs are watched after the error paths (Liberty writes some messages from other threads). */
  private static final Duration WATCH = Duration.ofSeconds(3);

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void errorPathsLeaveNoClientAddressOrIdentifierInAnyServerFile() throws Exception {
    InetAddress client = InetAddress.getByName(CLIENT);
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session member = Api.member(room);
    List<FileScan.Secret> secrets = new ArrayList<>();
    secrets.add(new FileScan.Secret("client address", CLIENT));
    secrets.add(new FileScan.Secret("forwarded client address", FORWARDED));
    secrets.add(new FileScan.Secret("room ID", room));
    String metricsGuess = Api.random(30);
    secrets.add(new FileScan.Secret("secret presented to /metrics", metricsGuess));
    for (Api.Session s : List.of(owner, member)) {
      secrets.add(new FileScan.Secret("session ID", s.sessionId()));
      secrets.add(new FileScan.Secret("token", s.token()));
    }

    // The owner stays connected throughout (a room whose owner is away past the grace period is deleted).
    try (RelayClient present = RelayClient.connect(owner, 0)) {
      drive(client, room, owner, member, metricsGuess);
    }

    List<Path> files = new ArrayList<>();
    files.add(serverDir());
    if (System.getProperty("sotto.db.url", "").startsWith("jdbc:postgresql:")) {
      files.addAll(IntegrationServices.postgres().logs());
    }
    long deadline = System.nanoTime() + WATCH.toNanos();
    do {
      for (Path f : files) {
        assertEquals(List.of(), FileScan.hits(f, secrets), "in " + f);
      }
    } while (System.nanoTime() < deadline);
  }

  private static void drive(
      InetAddress client, String room, Api.Session owner, Api.Session member, String metricsGuess) throws Exception {
    tls12Handshake(client);
    assertEquals(413, oversizedBody(client));
    int status = rawRequest(client, "GET /api/rooms/" + room + "/messages HTTP/1.1\r\nHost: localhost\r\n"
        + "X-Forwarded-For: " + FORWARDED + "\r\nAuthorization: Bearer " + Api.random(32) + "\r\nConnection: close\r\n\r\n");
    assertEquals(401, status, "a forged token is refused");
    int metrics = rawRequest(client, "GET /metrics HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: " + FORWARDED
        + "\r\nAuthorization: Bearer " + metricsGuess + "\r\nConnection: close\r\n\r\n");
    // 401 where the operator set a metrics secret (the H2 run), 404 where not (the PostgreSQL run)
    assertTrue(metrics == 401 || metrics == 404, "a wrong metrics secret is refused: " + metrics);
    malformedFrames(client, member);
    resetWhileTheServerWrites(client, owner, member);
    collidingResends(owner);
  }

  private static Path serverDir() {
    return Path.of(System.getProperty("sotto.wlp"), "usr", "servers", System.getProperty("sotto.it.server"));
  }

  // The server offers TLS 1.3 only: a TLS 1.2 client fails its handshake (Liberty reports CWWKO0801E, naming the
  // remote host, unless that message is hidden).
  private static void tls12Handshake(InetAddress client) throws Exception {
    SSLContext tls = SSLContext.getInstance("TLSv1.2");
    tls.init(null, new TrustManager[] {new TrustEverything()}, new SecureRandom());
    int port = Integer.parseInt(System.getProperty("sotto.https.port"));
    for (int i = 0; i < 3; i++) {
      try (Socket plain = new Socket()) {
        plain.bind(new InetSocketAddress(client, 0));
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        plain.setSoTimeout(10_000);
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, "localhost", port, true);
        s.setEnabledProtocols(new String[] {"TLSv1.2"});
        assertThrows(SSLException.class, s::startHandshake, "a TLS 1.2 handshake is refused");
      }
    }
  }

  private static int oversizedBody(InetAddress client) throws IOException {
    byte[] body = new byte[256 * 1024];
    java.util.Arrays.fill(body, (byte) 'a');
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(client, 0));
      s.connect(new InetSocketAddress("127.0.0.1", SottoWar.BASE.getPort()), 5_000);
      s.setSoTimeout(15_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /api/rooms HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Forwarded-For: "
              + FORWARDED + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      try {
        out.write(body);
        out.flush();
      } catch (IOException refusedEarly) {
        // the server answered and closed before reading it all: the answer is still there to read
      }
      return statusOf(s.getInputStream());
    }
  }

  private static int rawRequest(InetAddress client, String request) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(client, 0));
      s.connect(new InetSocketAddress("127.0.0.1", SottoWar.BASE.getPort()), 5_000);
      s.setSoTimeout(15_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      return statusOf(s.getInputStream());
    }
  }

  private static int statusOf(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      line.write(b);
    }
    String[] parts = line.toString(StandardCharsets.US_ASCII).split(" ");
    return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
  }

  // A frame with a reserved bit set, an unknown opcode, and an unmasked frame, each after authentication: each
  // closes the connection, in Liberty, before Sotto sees it.
  private static void malformedFrames(InetAddress client, Api.Session member) throws IOException {
    List<FuzzAction> frames =
        List.of(
            ws -> ws.send(true, 4, FuzzSocket.TEXT, "{}".getBytes(StandardCharsets.UTF_8)),
            ws -> ws.send(true, 0, 0x3, new byte[] {1}),
            ws -> ws.send(true, 0, FuzzSocket.TEXT, "{\"t\":\"ping\"}".getBytes(StandardCharsets.UTF_8), false));
    for (FuzzAction frame : frames) {
      try (FuzzSocket ws = FuzzSocket.open(SottoWar.BASE, client)) {
        ws.sendText("{\"t\":\"auth\",\"token\":\"" + member.token() + "\",\"since\":0}");
        ws.awaitText("\"welcome\"");
        frame.apply(ws);
        assertEquals(1002, ws.awaitClose().closeCode(), "broken framing closes the connection");
      }
    }
  }

  private interface FuzzAction {
    void apply(FuzzSocket ws) throws IOException;
  }

  // A member with a small receive buffer is sent the room's traffic and resets its connection while the server
  // writes to it (a broken pipe / connection reset on the server's side).
  private static void resetWhileTheServerWrites(InetAddress client, Api.Session owner, Api.Session member)
      throws IOException {
    try (RelayClient sender = RelayClient.connect(owner, 0)) {
      RawWebSocket reader = RawWebSocket.open(Api.ws(), 4 * 1024, client);
      reader.sendText("{\"t\":\"auth\",\"token\":\"" + member.token() + "\",\"since\":0}");
      for (int i = 1; i <= 8; i++) {
        stored(sender, RelayClient.envelope("msg", i, 3_000), i);
      }
      reader.reset();
      // The owner's next messages are fanned out to the reset connection too.
      for (int i = 9; i <= 12; i++) {
        stored(sender, RelayClient.envelope("msg", i, 3_000), i);
      }
    }
  }

  // Two connections of one session send the same new counters at once: one of each pair is stored, the other is a
  // resend of it; on PostgreSQL the loser of a race meets the unique index (sender, counter).
  private static void collidingResends(Api.Session owner) {
    try (RelayClient a = RelayClient.connect(owner, 0);
        RelayClient b = RelayClient.connect(owner, 0)) {
      long base = a.welcome().getJsonNumber("maxCounter").longValue();
      for (long c = base + 1; c <= base + 6; c++) {
        String frame = RelayClient.envelope("msg", c, 100);
        a.send(frame);
        stored(b, frame, c);
        stored(a, frame, c);
      }
    }
  }

  /**
   * Sends {@code frame} (envelope counter {@code c}) until it is acknowledged (a resend of a stored one is acknowledged
   * too): a rate-limited one again after the wait the server names, at most 10 times.
   */
  private static void stored(RelayClient client, String frame, long c) {
    for (int attempt = 0; attempt < 10; attempt++) {
      client.send(frame);
      JsonObject answer =
          client.await(
              f -> ("ack".equals(f.getString("t", "")) || "error".equals(f.getString("t", "")))
                  && f.getJsonNumber("c") != null
                  && f.getJsonNumber("c").longValue() == c,
              "the answer to envelope " + c);
      if ("ack".equals(answer.getString("t"))) {
        return;
      }
      JsonNumber wait = answer.getJsonNumber("retryAfterMs");
      assertTrue(wait != null, "refused: " + answer);
      try {
        Thread.sleep(Math.min(2_000, wait.longValue()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("envelope " + c + " was not stored after 10 attempts");
  }

}
