package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.testsupport.IntegrationServices;
import chat.sotto.testsupport.TestTurnServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * TURN as an observer sees it: what {@code GET /api/ice} hands out and to whom, and what the shipped coturn
 * configuration (the test run's coturn runs deploy/turnserver.conf) accepts, refuses and writes down.
 */
@ExtendWith(ArquillianExtension.class)
class TurnIT {
  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  private static JsonObject json(HttpResponse<String> r) {
    return Json.createReader(new StringReader(r.body())).readObject();
  }

  private static JsonObject turnServer(JsonObject ice) {
    return ice.getJsonArray("iceServers").getJsonObject(0);
  }

  @Test
  void iceServersCarryShortLivedCredentialsWhoseNamesSayNothingAboutTheSession() throws Exception {
    assertEquals(401, Api.get("api/ice", null).statusCode());
    assertEquals(401, Api.get("api/ice", Api.random(32)).statusCode());
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    HttpResponse<String> r = Api.get("api/ice", owner.token());
    assertEquals(200, r.statusCode());
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
    JsonObject body = json(r);
    assertTrue(body.getBoolean("relay"));
    String username = turnServer(body).getString("username");
    int colon = username.indexOf(':');
    long expiry = Long.parseLong(username.substring(0, colon));
    String name = username.substring(colon + 1);
    assertTrue(name.matches("[A-Za-z0-9_-]{22}"), "128 random bits, base64url: " + name);
    for (String secret : List.of(owner.sessionId(), owner.token(), room)) {
      assertFalse(username.contains(secret), "the username holds no session, token or room");
    }
    long now = System.currentTimeMillis() / 1000;
    assertTrue(expiry > now + 540 && expiry <= now + 660, "about ten minutes by default: " + (expiry - now));
    assertEquals(expiry, body.getJsonNumber("expiresAt").longValue());
    assertEquals(600, body.getInt("ttl"));

    JsonObject again = json(Api.get("api/ice", owner.token()));
    String next = turnServer(again).getString("username");
    assertNotEquals(name, next.substring(next.indexOf(':') + 1), "every credential has a name of its own");

    TestTurnServer coturn = IntegrationServices.turn();
    assertEquals(0, allocate(coturn, username, turnServer(body).getString("credential")).exit(), "coturn accepts it");
    assertEquals(0, allocate(coturn, next, turnServer(again).getString("credential")).exit(), "and the fresh one");
  }

  @Test
  void noCredentialsOnceTheRoomIsClosedOrTheMemberLeft() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session member = Api.member(room);
    assertEquals(200, Api.get("api/ice", member.token()).statusCode());
    assertEquals(204, Api.delete("api/sessions/current", member.token()).statusCode());
    HttpResponse<String> left = Api.get("api/ice", member.token());
    assertEquals(401, left.statusCode());
    assertEquals("unauthorized", json(left).getString("error"));
    assertEquals(200, Api.get("api/ice", owner.token()).statusCode());
    assertEquals(204, Api.delete("api/rooms/" + room, owner.token()).statusCode());
    HttpResponse<String> closed = Api.get("api/ice", owner.token());
    assertEquals(401, closed.statusCode());
    assertEquals("unauthorized", json(closed).getString("error"));
  }

  @Test
  void aSessionThatAsksInALoopIsRefusedWithRetryAfterWhileOthersAreServed() {
    String room = Api.newRoomId();
    Api.Session looping = Api.owner(room);
    Api.Session other = Api.member(room);
    int served = 0;
    HttpResponse<String> refused = null;
    for (int i = 0; i < 40 && refused == null; i++) {
      HttpResponse<String> r = Api.get("api/ice", looping.token());
      if (r.statusCode() == 429) {
        refused = r;
      } else {
        assertEquals(200, r.statusCode());
        served++;
      }
    }
    assertTrue(refused != null, "40 requests in a row were all served");
    assertTrue(served >= 10, "the burst covers joins, reconnects and refreshes: " + served);
    assertEquals("rate_limited", json(refused).getString("error"));
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElse("0"));
    assertTrue(retryAfter >= 1 && retryAfter <= 10, "Retry-After: " + retryAfter);
    assertFalse(refused.body().contains("Exception"));
    assertEquals(200, Api.get("api/ice", other.token()).statusCode(), "another session of the room is served");
  }

  @Test
  void coturnRefusesForgedAndExpiredCredentials() throws Exception {
    TestTurnServer coturn = IntegrationServices.turn();
    String user = (System.currentTimeMillis() / 1000 + 600) + ":" + Api.random(16);
    Allocation forged = allocate(coturn, user, hmac("not-the-secret", user));
    assertNotEquals(0, forged.exit(), "forged");
    assertTrue(forged.output().contains("Cannot complete Allocation"), forged.output());
    String expired = (System.currentTimeMillis() / 1000 - 60) + ":" + Api.random(16);
    Allocation late = allocate(coturn, expired, hmac(coturn.secret(), expired));
    assertNotEquals(0, late.exit(), "expired");
    assertTrue(late.output().contains("Cannot complete Allocation"), late.output());
    assertEquals(0, allocate(coturn, user, hmac(coturn.secret(), user)).exit(), "the same name, properly signed");
  }

  @Test
  void coturnRefusesTcpRelaysAndPeersInDeniedRanges() throws Exception {
    TestTurnServer coturn = IntegrationServices.turn();
    String user = (System.currentTimeMillis() / 1000 + 600) + ":" + Api.random(16);
    String credential = hmac(coturn.secret(), user);
    Allocation tcp = uclient(coturn, user, credential, List.of("-T", "-t"));
    assertNotEquals(0, tcp.exit());
    assertTrue(tcp.output().contains("error 442"), "TCP relay allocations are refused: " + tcp.output());
    // 127.0.0.1 is allowed for the test browsers; the rest of 127.0.0.0/8 stays denied as in production.
    Allocation denied = uclient(coturn, user, credential, List.of("-e", "127.0.0.2", "-r", "3480"));
    assertNotEquals(0, denied.exit());
    assertTrue(denied.output().contains("403"), "a denied peer address is refused: " + denied.output());
  }

  @Test
  void coturnWritesNoUsernameSessionOrAddressAnywhere() throws Exception {
    Instant start = Instant.now().minusSeconds(1);
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    JsonObject turn = turnServer(json(Api.get("api/ice", owner.token())));
    String username = turn.getString("username");
    String name = username.substring(username.indexOf(':') + 1);
    TestTurnServer coturn = IntegrationServices.turn();
    assertEquals(0, allocate(coturn, username, turn.getString("credential")).exit(), "a relayed allocation with data");
    assertNotEquals(0, allocate(coturn, username, hmac("not-the-secret", username)).exit(), "and a refused one");

    List<Path> files = new ArrayList<>(coturn.files());
    files.addAll(fallbackLogs(start));
    assertTrue(files.stream().anyMatch(p -> p.endsWith("output.txt")), "the scan covers coturn's output: " + files);
    for (Path file : files) {
      String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      for (String marker : List.of(name, owner.sessionId(), owner.token(), room, "127.0.0.1", "realm <")) {
        assertFalse(text.contains(marker), file + " holds " + (marker.equals(name) ? "the username" : marker));
      }
    }
  }

  /** Log files coturn makes in its default places when it is not told where to log, written since {@code start}. */
  private static List<Path> fallbackLogs(Instant start) throws IOException {
    List<Path> found = new ArrayList<>();
    for (String dir : List.of("/var/log", "/var/log/turnserver", "/var/tmp", "/tmp", ".")) {
      Path d = Path.of(dir);
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (Stream<Path> list = Files.list(d)) {
        for (Path p : list.toList()) {
          String n = p.getFileName().toString();
          if (Files.isRegularFile(p) && n.startsWith("turn") && n.contains(".log")
              && Files.getLastModifiedTime(p).toInstant().isAfter(start)) {
            found.add(p);
          }
        }
      }
    }
    return found;
  }

  private record Allocation(int exit, String output) {}

  /** Allocates a relay with turnutils_uclient and sends through it to itself (0: allocated and relayed). */
  private static Allocation allocate(TestTurnServer coturn, String username, String credential)
      throws IOException, InterruptedException {
    return uclient(coturn, username, credential, List.of("-y"));
  }

  private static Allocation uclient(TestTurnServer coturn, String username, String credential, List<String> mode)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("/usr/bin/turnutils_uclient"));
    command.addAll(mode);
    command.addAll(
        List.of("-n", "1", "-m", "1", "-l", "50", "-u", username, "-w", credential, "-p",
            String.valueOf(coturn.port()), "127.0.0.1"));
    Path out = Files.createTempFile("sotto-uclient", ".txt");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("turnutils_uclient did not finish");
      }
      return new Allocation(p.exitValue(), Files.readString(out));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static String hmac(String secret, String message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
  }
}
