package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Call signaling through the relay: addressed, encrypted, never stored (TURN credentials: TurnIT). */
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
}
