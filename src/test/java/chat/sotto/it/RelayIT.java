package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The WebSocket relay seen by real clients: fan-out, history, resume, idempotence, and hostile frames. */
@ExtendWith(ArquillianExtension.class)
class RelayIT {
  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void aMessageIsStoredThenFannedOutToEveryMemberWithTheSameSequenceNumber() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session member = Api.member(room);
    try (RelayClient a = RelayClient.connect(owner, 0);
        RelayClient b = RelayClient.connect(member, 0)) {
      String sent = a.sendEnvelope(1, 400);
      JsonObject ack = a.await("ack");
      assertEquals(1, ack.getJsonNumber("c").longValue());
      JsonObject atA = a.await("msg");
      JsonObject atB = b.await("msg");
      assertEquals(ack.getJsonNumber("seq").longValue(), atB.getJsonNumber("seq").longValue());
      assertEquals(atA, atB);
      assertEquals(owner.sessionId(), atB.getString("from"));
      assertTrue(sent.contains(atB.getString("ct")), "the ciphertext is relayed unchanged");
      assertEquals(1, Database.count("SELECT COUNT(*) FROM messages WHERE room_id = ?", room));
    }
  }

  @Test
  void theUpgradeSetsNoCookieAndTheRelayWorksWithoutAnHttpSession() throws Exception {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    try (RawWebSocket ws = RawWebSocket.authenticated(SottoWar.BASE, owner.token(), 0, 65_536)) {
      String head = ws.responseHead().toLowerCase(Locale.ROOT);
      assertTrue(head.startsWith("http/1.1 101"), head);
      assertFalse(head.contains("set-cookie"), "the upgrade sets no cookie (no HTTP session): " + head);
      boolean welcomed = false;
      for (int i = 0; i < 10 && !welcomed; i++) {
        welcomed = ws.readText(Duration.ofSeconds(10)).contains("\"t\":\"welcome\"");
      }
      assertTrue(welcomed, "the session is authenticated and welcomed");
    }
  }

  @Test
  void presenceTypingAndProfilesReachTheOtherMembers() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session member = Api.member(room);
    try (RelayClient a = RelayClient.connect(owner, 0)) {
      try (RelayClient b = RelayClient.connect(member, 0)) {
        a.await(f -> "presence".equals(f.getString("t")) && f.getJsonArray("online").size() == 2, "both online");
        b.send(RelayClient.envelope("profile", 1, 60));
        JsonObject profile = a.await("profile");
        assertEquals(member.sessionId(), profile.getString("from"));
        b.send("{\"t\":\"typing\"}");
        assertEquals(member.sessionId(), a.await("typing").getString("from"));
        b.send("{\"t\":\"ping\"}");
        b.await("pong");
      }
      a.await(f -> "presence".equals(f.getString("t")) && f.getJsonArray("online").size() == 1, "member offline");
    }
    try (RelayClient late = RelayClient.connect(Api.member(room), 0)) {
      JsonObject stored = late.welcome().getJsonArray("profiles").getJsonObject(0);
      assertEquals(member.sessionId(), stored.getString("from"));
      assertEquals(owner.sessionId(), late.welcome().getString("ownerId"));
    }
  }

  @Test
  void aMemberLeavingIsDisconnectedAndTheOthersAreTold() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session member = Api.member(room);
    try (RelayClient a = RelayClient.connect(owner, 0);
        RelayClient b = RelayClient.connect(member, 0)) {
      assertEquals(204, Api.delete("api/sessions/current", member.token()).statusCode());
      assertEquals(4001, b.awaitClose());
      boolean toldLeft = false;
      boolean presenceWithoutMember = false;
      while (!(toldLeft && presenceWithoutMember)) {
        JsonObject f = a.await(x -> Set.of("left", "presence").contains(x.getString("t")), "left and presence");
        if ("left".equals(f.getString("t"))) {
          assertEquals(member.sessionId(), f.getString("from"));
          toldLeft = true;
        } else {
          presenceWithoutMember = f.getJsonArray("online").size() == 1;
        }
      }
    }
  }

  @Test
  void aLateJoinerGetsTheHistoryInPages() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    try (RelayClient a = RelayClient.connect(owner, 0)) {
      for (int i = 1; i <= 15; i++) {
        a.sendEnvelope(i, 100);
        a.await("ack");
      }
      Api.Session late = Api.member(room);
      String path = "api/rooms/" + room + "/messages";
      String newest = Api.get(path + "?limit=10", late.token()).body();
      assertTrue(newest.endsWith("\"hasMore\":true}"), newest);
      assertTrue(newest.contains("\"seq\":6,") && newest.contains("\"seq\":15,") && !newest.contains("\"seq\":5,"));
      String earlier = Api.get(path + "?before=6&limit=10", late.token()).body();
      assertTrue(earlier.contains("\"seq\":1,") && earlier.contains("\"seq\":5,"), earlier);
      assertTrue(earlier.endsWith("\"hasMore\":false}"), earlier);
      try (RelayClient b = RelayClient.connect(late, 0)) {
        List<JsonObject> replay = b.messages(15);
        for (int i = 0; i < 15; i++) {
          assertEquals(i + 1, replay.get(i).getJsonNumber("seq").longValue());
        }
      }
    }
  }

  @Test
  void aDroppedConnectionResumesFromItsLastSequenceWithNoLossAndNoDuplicates() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session member = Api.member(room);
    try (RelayClient sender = RelayClient.connect(owner, 0)) {
      RelayClient reader = RelayClient.connect(member, 0);
      for (int i = 1; i <= 5; i++) {
        sender.sendEnvelope(i, 200);
      }
      List<JsonObject> before = reader.messages(5);
      long last = before.get(4).getJsonNumber("seq").longValue();
      reader.abort();
      for (int i = 6; i <= 12; i++) {
        sender.sendEnvelope(i, 200);
        sender.await("ack");
      }
      try (RelayClient resumed = RelayClient.connect(member, last)) {
        for (int i = 13; i <= 15; i++) {
          sender.sendEnvelope(i, 200);
        }
        List<JsonObject> after = resumed.messages(10);
        Set<Long> seqs = new HashSet<>();
        before.forEach(f -> seqs.add(f.getJsonNumber("seq").longValue()));
        for (JsonObject f : after) {
          assertTrue(seqs.add(f.getJsonNumber("seq").longValue()), "duplicate seq in " + seqsOf(before) + seqsOf(after));
        }
        assertEquals(15, seqs.size());
        assertEquals(Set.copyOf(range(1, 15)), seqs);
        sender.send("{\"t\":\"ping\"}");
        sender.await("pong");
        assertTrue(resumed.drain().stream().noneMatch(f -> "msg".equals(f.getString("t"))), "nothing extra");
      }
    }
  }

  @Test
  void resendingTheSameEnvelopeIsStoredAndDeliveredOnce() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session member = Api.member(room);
    try (RelayClient a = RelayClient.connect(owner, 0);
        RelayClient b = RelayClient.connect(member, 0)) {
      String frame = RelayClient.envelope("msg", 7, 300);
      a.send(frame);
      long seq = a.await("ack").getJsonNumber("seq").longValue();
      a.send(frame);
      assertEquals(seq, a.await("ack").getJsonNumber("seq").longValue(), "the resend is acknowledged as stored");
      b.messages(1);
      a.sendEnvelope(8, 20);
      assertEquals(seq + 1, b.await("msg").getJsonNumber("seq").longValue(), "no second copy was delivered");
      assertEquals(2, Database.count("SELECT COUNT(*) FROM messages WHERE room_id = ?", room));
    }
  }

  @Test
  void aReloadedClientLearnsItsHighestCounter() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    try (RelayClient a = RelayClient.connect(owner, 0)) {
      a.sendEnvelope(41, 20);
      a.await("ack");
    }
    try (RelayClient again = RelayClient.open(SottoWar.ORIGIN)) {
      again.send("{\"t\":\"auth\",\"token\":\"" + owner.token() + "\",\"since\":1}");
      assertEquals(41, again.await("welcome").getJsonNumber("maxCounter").longValue());
    }
  }

  @Test
  void malformedFramesGetErrorFramesAndTheSocketSurvives() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    try (RelayClient a = RelayClient.connect(owner, 0)) {
      List<String> bad =
          List.of(
              "not json",
              "[1,2]",
              "{}",
              "{\"t\":5}",
              "{\"t\":\"msg\"}",
              "{\"t\":\"msg\",\"c\":1,\"iv\":\"short\",\"ct\":\"AAAAAAAAAAAAAAAAAAAAAA\"}",
              "{\"t\":\"msg\",\"c\":-1,\"iv\":\"" + Api.random(12) + "\",\"ct\":\"" + Api.random(40) + "\"}",
              "{\"t\":\"msg\",\"c\":1.5,\"iv\":\"" + Api.random(12) + "\",\"ct\":\"" + Api.random(40) + "\"}",
              "{\"t\":\"msg\",\"c\":1,\"iv\":\"" + Api.random(12) + "\",\"ct\":\"<script>\"}",
              "{\"t\":\"msg\",\"c\":1,\"iv\":\"" + Api.random(12) + "\",\"ct\":\"" + Api.random(40) + "\",\"x\":1}",
              "{\"t\":\"typing\",\"extra\":true}");
      for (String frame : bad) {
        a.send(frame);
        JsonObject error = a.await("error");
        assertEquals("bad_frame", error.getString("code"), frame);
      }
      a.send("{\"t\":\"launch-missiles\"}");
      assertEquals("unknown_type", a.await("error").getString("code"));
      a.send("{\"t\":\"msg\",\"c\":1,\"iv\":\"" + Api.random(12) + "\",\"ct\":\"" + Api.random(17_000) + "\"}");
      assertEquals("too_large", a.await("error").getString("code"));
      a.sendEnvelope(1, 50);
      a.await("ack");
      assertEquals(1, Database.count("SELECT COUNT(*) FROM messages WHERE room_id = ?", room));
    }
  }

  @Test
  void anOversizedFrameClosesTheSocketWith1009() {
    Api.Session owner = Api.owner(Api.newRoomId());
    try (RelayClient a = RelayClient.connect(owner, 0)) {
      a.send("{\"t\":\"msg\",\"c\":1,\"iv\":\"x\",\"ct\":\"" + "A".repeat(40_000) + "\"}");
      assertEquals(1009, a.awaitClose());
    }
  }

  @Test
  void aBinaryFrameClosesTheSocketWith1003() {
    Api.Session owner = Api.owner(Api.newRoomId());
    try (RelayClient a = RelayClient.connect(owner, 0)) {
      a.sendBinary(new byte[] {1, 2, 3});
      assertEquals(1003, a.awaitClose());
    }
  }

  @Test
  void aWrongOrMissingTokenClosesWithPolicyViolation() {
    try (RelayClient a = RelayClient.open(null)) {
      a.send("{\"t\":\"auth\",\"token\":\"" + Api.random(32) + "\",\"since\":0}");
      assertEquals(1008, a.awaitClose());
    }
    try (RelayClient b = RelayClient.open(null)) {
      b.send(RelayClient.envelope("msg", 1, 40));
      assertEquals(1008, b.awaitClose());
    }
    try (RelayClient c = RelayClient.open(null)) {
      c.send("{\"t\":\"auth\",\"token\":\"nope\",\"since\":0}");
      assertEquals(1008, c.awaitClose());
    }
  }

  @Test
  void aForeignOriginCannotOpenTheSocket() {
    WebSocket.Builder b =
        HttpClient.newHttpClient().newWebSocketBuilder().header("Origin", "https://evil.example");
    try {
      b.buildAsync(Api.ws(), new WebSocket.Listener() {}).join();
      throw new AssertionError("a foreign origin was allowed to connect");
    } catch (CompletionException e) {
      assertTrue(e.getCause() instanceof WebSocketHandshakeException, String.valueOf(e.getCause()));
      assertEquals(403, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
    }
    try (RelayClient same = RelayClient.open(SottoWar.ORIGIN)) {
      assertFalse(same.isClosed());
    }
  }

  @Test
  void aFloodIsRefusedWithRateLimitedErrorsAndStoredMessagesStay() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    try (RelayClient a = RelayClient.connect(owner, 0)) {
      for (int i = 1; i <= 40; i++) {
        a.sendEnvelope(i, 50);
      }
      int acked = 0;
      int limited = 0;
      while (acked + limited < 40) {
        JsonObject f = a.await(x -> Set.of("ack", "error").contains(x.getString("t")), "ack or error");
        if ("ack".equals(f.getString("t"))) {
          acked++;
        } else {
          assertEquals("rate_limited", f.getString("code"));
          assertTrue(f.getJsonNumber("retryAfterMs").longValue() > 0);
          limited++;
        }
      }
      assertTrue(limited > 0, "a flood must hit the limit");
      assertTrue(acked >= 20, "the burst is admitted");
      assertEquals(acked, Database.count("SELECT COUNT(*) FROM messages WHERE room_id = ?", room));
    }
  }

  @Test
  void authenticationMustComeWithinTheTimeout() {
    try (RelayClient idle = RelayClient.open(null)) {
      Await.until("the auth timeout", Duration.ofSeconds(20), idle::isClosed);
      assertEquals(1008, idle.awaitClose());
    }
  }

  private static List<Long> seqsOf(List<JsonObject> frames) {
    return frames.stream().map(f -> f.getJsonNumber("seq").longValue()).toList();
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }
}
