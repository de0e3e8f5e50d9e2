package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Base64;
import java.util.List;

import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Call signaling through the relay (addressed, encrypted, never stored) and TURN credentials against a real coturn. */
@ExtendWith(ArquillianExtension.class)
class CallSignalingIT {
  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  private static String signal(String to, long counter, int bytes) {
    return "{\"t\":\"signal\",\"to\":\"" + to + "\",\"c\":" + counter + ",\"iv\":\"" + Api.random(12) + "\",\"ct\":\""
        + Api.random(bytes) + "\"}";
  }

  @Test
  void aSignalReachesOnlyItsRecipientAndIsNeverStored() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session bob = Api.member(room);
    Api.Session carol = Api.member(room);
    try (RelayClient a = RelayClient.connect(owner, 0);
        RelayClient b = RelayClient.connect(bob, 0);
        RelayClient c = RelayClient.connect(carol, 0)) {
      a.await(f -> "presence".equals(f.getString("t")) && f.getJsonArray("online").size() == 3, "all online");
      String frame = signal(bob.sessionId(), 5, 3000);
      a.send(frame);
      JsonObject got = b.await("signal");
      assertEquals(owner.sessionId(), got.getString("from"));
      assertEquals(bob.sessionId(), got.getString("to"));
      assertTrue(frame.contains(got.getString("ct")), "relayed unchanged");
      c.send("{\"t\":\"ping\"}");
      c.await("pong");
      a.send("{\"t\":\"ping\"}");
      a.await("pong");
      assertTrue(c.drain().stream().noneMatch(f -> "signal".equals(f.getString("t"))), "carol got no signal");
      assertEquals(0, Database.count("SELECT COUNT(*) FROM messages WHERE room_id = ?", room));
      assertTrue(Database.dump("messages").stream().noneMatch(v -> frame.contains(v) && v.length() > 100));
    }
  }

  @Test
  void signalingSomeoneOutsideTheRoomIsRefused() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session stranger = Api.owner(Api.newRoomId());
    try (RelayClient a = RelayClient.connect(owner, 0);
        RelayClient s = RelayClient.connect(stranger, 0)) {
      a.send(signal(stranger.sessionId(), 1, 100));
      JsonObject error = a.await("error");
      assertEquals("not_in_room", error.getString("code"));
      assertEquals(1, error.getJsonNumber("c").longValue());
      a.send(signal(Api.random(16), 2, 100));
      assertEquals("not_in_room", a.await("error").getString("code"));
      a.send("{\"t\":\"signal\",\"to\":\"nobody\",\"c\":3,\"iv\":\"" + Api.random(12) + "\",\"ct\":\"" + Api.random(40) + "\"}");
      assertEquals("bad_frame", a.await("error").getString("code"));
      a.send(signal(stranger.sessionId(), 4, 17_000));
      assertEquals("too_large", a.await("error").getString("code"));
      s.send("{\"t\":\"ping\"}");
      s.await("pong");
      assertTrue(s.drain().stream().noneMatch(f -> "signal".equals(f.getString("t"))));
    }
  }

  @Test
  void aSignalingFloodIsLimitedWithoutDisturbingOthers() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session bob = Api.member(room);
    Api.Session carol = Api.member(room);
    try (RelayClient a = RelayClient.connect(owner, 0);
        RelayClient b = RelayClient.connect(bob, 0);
        RelayClient c = RelayClient.connect(carol, 0)) {
      a.await(f -> "presence".equals(f.getString("t")) && f.getJsonArray("online").size() == 3, "all online");
      for (int i = 1; i <= 300; i++) {
        b.send(signal(owner.sessionId(), i, 100));
      }
      JsonObject limited = b.await("error");
      assertEquals("rate_limited", limited.getString("code"));
      c.send(signal(owner.sessionId(), 1, 100));
      a.await(f -> "signal".equals(f.getString("t")) && carol.sessionId().equals(f.getString("from")), "carol's signal");
    }
  }

  @Test
  void iceServersNeedASessionAndCarryCoturnCredentials() throws Exception {
    assertEquals(401, Api.get("api/ice", null).statusCode());
    assertEquals(401, Api.get("api/ice", Api.random(32)).statusCode());
    Api.Session owner = Api.owner(Api.newRoomId());
    HttpResponse<String> r = Api.get("api/ice", owner.token());
    assertEquals(200, r.statusCode());
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
    JsonObject body = Json.createReader(new StringReader(r.body())).readObject();
    assertTrue(body.getBoolean("relay"));
    JsonObject turn = body.getJsonArray("iceServers").getJsonObject(0);
    String username = turn.getString("username");
    assertTrue(username.endsWith(":" + owner.sessionId()), username);
    long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
    long now = System.currentTimeMillis() / 1000;
    assertTrue(expiry > now + 3500 && expiry <= now + 3700, "one hour by default");
    TestTurnServer coturn = IntegrationServices.turn();
    assertEquals(0, allocate(coturn, username, turn.getString("credential")), "coturn accepts the issued credential");
  }

  @Test
  void coturnRefusesForgedAndExpiredCredentials() throws Exception {
    TestTurnServer coturn = IntegrationServices.turn();
    String user = (System.currentTimeMillis() / 1000 + 3600) + ":" + Api.random(16);
    assertNotEquals(0, allocate(coturn, user, hmac("not-the-secret", user)), "forged");
    String expired = (System.currentTimeMillis() / 1000 - 60) + ":" + Api.random(16);
    assertNotEquals(0, allocate(coturn, expired, hmac(coturn.secret(), expired)), "expired");
    assertTrue(coturn.log().contains("401") || coturn.log().contains("Cannot find credentials"), "coturn logged the refusal");
  }

  /** Allocates a relay with turnutils_uclient; returns its exit code (0: allocated and relayed). */
  private static int allocate(TestTurnServer coturn, String username, String credential)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                List.of(
                    "/usr/bin/turnutils_uclient", "-y", "-n", "1", "-m", "1", "-l", "50", "-u", username, "-w",
                    credential, "-p", String.valueOf(coturn.port()), "127.0.0.1"))
            .redirectErrorStream(true)
            .start();
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("turnutils_uclient did not finish");
    }
    return p.exitValue();
  }

  private static String hmac(String secret, String message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
  }

}
