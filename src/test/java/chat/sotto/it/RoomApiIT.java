package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The REST API as a browser and as an attacker see it, against the real WAR on Liberty. */
@ExtendWith(ArquillianExtension.class)
class RoomApiIT {
  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void creatingARoomIssuesAnOwnerSessionWithA256BitToken() {
    String room = Api.newRoomId();
    HttpResponse<String> r = Api.createRoom(room);
    assertEquals(201, r.statusCode());
    Api.Session s = Api.Session.of(room, r.body());
    assertTrue(s.owner());
    assertEquals(22, s.sessionId().length());
    assertEquals(43, s.token().length());
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
  }

  @Test
  void theDatabaseKeepsOnlyAHashOfTheToken() {
    String room = Api.newRoomId();
    Api.Session s = Api.owner(room);
    List<String> stored = Database.dump("sessions");
    assertFalse(stored.contains(s.token()), "the token itself must never be stored");
    assertTrue(stored.contains(s.sessionId()));
  }

  @Test
  void creatingAnExistingRoomIsAConflict() {
    String room = Api.newRoomId();
    Api.owner(room);
    HttpResponse<String> again = Api.createRoom(room);
    assertEquals(409, again.statusCode());
    assertEquals("room_exists", Api.field(again.body(), "error"));
  }

  @Test
  void malformedCreateRequestsAreRefusedWithJsonErrors() {
    for (String body :
        List.of(
            "",
            "not json",
            "[]",
            "{}",
            "{\"roomId\":\"short\"}",
            "{\"roomId\":42}",
            "{\"roomId\":\"" + Api.newRoomId() + "\",\"extra\":1}",
            "{\"roomId\":\"" + Api.newRoomId().substring(1) + "!\"}")) {
      HttpResponse<String> r = Api.post("api/rooms", body);
      assertEquals(400, r.statusCode(), body);
      assertJsonErrorWithoutInternals(r);
    }
    HttpResponse<String> huge = Api.post("api/rooms", "{\"roomId\":\"" + "A".repeat(100_000) + "\"}");
    assertTrue(huge.statusCode() == 400 || huge.statusCode() == 413, "status " + huge.statusCode());
    assertJsonErrorWithoutInternals(huge);
  }

  @Test
  void joiningAnUnknownRoomIsNotFound() {
    HttpResponse<String> r = Api.join(Api.newRoomId());
    assertEquals(404, r.statusCode());
    assertEquals("room_not_found", Api.field(r.body(), "error"));
  }

  @Test
  void joiningWithAMalformedRoomIdIsABadRequest() {
    HttpResponse<String> r = Api.join("not-a-room-id");
    assertEquals(400, r.statusCode());
    assertJsonErrorWithoutInternals(r);
    HttpResponse<String> traversal = Api.join("..%2F..%2Fetc");
    assertEquals(400, traversal.statusCode());
    for (String leak : List.of("Exception", "SRVE", "CWW", "java.")) {
      assertFalse(traversal.body().contains(leak), traversal.body());
    }
  }

  @Test
  void joinsBeyondTheRoomsRateAreRefusedWithRetryAfterAndNothingIsLost() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    try (RelayClient o = RelayClient.connect(owner, 0)) {
      o.sendEnvelope(1, 100);
      o.await("ack");
      // Join and leave again and again (so the room never fills): the join rate, not the size, must stop it.
      HttpResponse<String> refused = null;
      for (int i = 0; i < 60 && refused == null; i++) {
        HttpResponse<String> r = Api.join(room);
        if (r.statusCode() == 201) {
          assertEquals(204, Api.delete("api/sessions/current", Api.field(r.body(), "token")).statusCode());
        } else {
          refused = r;
        }
      }
      assertNotNull(refused, "quick joins must hit the room's join rate");
      assertEquals(429, refused.statusCode());
      assertEquals("rate_limited", Api.field(refused.body(), "error"));
      long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
      assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
      assertEquals(1, Database.count("SELECT COUNT(*) FROM sessions WHERE room_id = ?", room));
      assertEquals(1, Database.count("SELECT COUNT(*) FROM messages WHERE room_id = ?", room), "nothing stored is lost");
      assertEquals(200, Api.get("api/rooms/" + room + "/messages", owner.token()).statusCode());
    }
  }

  @Test
  void aFullRoomRefusesMoreMembers() {
    String room = Api.newRoomId();
    Api.owner(room);
    // Joins until the room is full; a join refused by the room's join rate (429) is simply tried again at the next
    // poll, so the test waits on the room filling up, not on a guessed delay.
    AtomicReference<HttpResponse<String>> response = new AtomicReference<>();
    Await.until(
        "the room to refuse a join as full",
        Duration.ofSeconds(20),
        () -> {
          response.set(Api.join(room));
          int status = response.get().statusCode();
          assertTrue(status == 201 || status == 409 || status == 429, "join answered " + status);
          return status == 409;
        });
    HttpResponse<String> last = response.get();
    assertEquals(409, last.statusCode());
    assertEquals("room_full", Api.field(last.body(), "error"));
    assertEquals(12, Database.count("SELECT COUNT(*) FROM sessions WHERE room_id = ?", room));
  }

  @Test
  void historyNeedsAValidTokenOfTheSameRoom() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    String other = Api.newRoomId();
    Api.Session stranger = Api.owner(other);
    String path = "api/rooms/" + room + "/messages";
    assertEquals(401, Api.get(path, null).statusCode());
    assertEquals(401, Api.get(path, Api.random(32)).statusCode());
    assertEquals(401, Api.get(path, "not-a-token").statusCode());
    HttpResponse<String> forbidden = Api.get(path, stranger.token());
    assertEquals(403, forbidden.statusCode());
    assertJsonErrorWithoutInternals(forbidden);
    HttpResponse<String> ok = Api.get(path, owner.token());
    assertEquals(200, ok.statusCode());
    assertEquals("{\"messages\":[],\"hasMore\":false}", ok.body());
    assertEquals(400, Api.get(path + "?limit=0", owner.token()).statusCode());
    assertEquals(400, Api.get(path + "?limit=abc", owner.token()).statusCode());
    assertEquals(400, Api.get(path + "?before=-1", owner.token()).statusCode());
  }

  @Test
  void onlyTheOwnerCanCloseARoomAndThenItIsGone() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session member = Api.member(room);
    assertEquals(401, Api.delete("api/rooms/" + room, null).statusCode());
    HttpResponse<String> notOwner = Api.delete("api/rooms/" + room, member.token());
    assertEquals(403, notOwner.statusCode());
    assertEquals("not_owner", Api.field(notOwner.body(), "error"));
    assertEquals(204, Api.delete("api/rooms/" + room, owner.token()).statusCode());
    assertEquals(0, Database.rowsOfRoom(room));
    assertEquals(404, Api.join(room).statusCode());
    assertEquals(401, Api.get("api/rooms/" + room + "/messages", member.token()).statusCode());
  }

  @Test
  void aMemberLeavingDeletesOnlyTheirSession() {
    String room = Api.newRoomId();
    Api.owner(room);
    Api.Session member = Api.member(room);
    assertEquals(204, Api.delete("api/sessions/current", member.token()).statusCode());
    assertEquals(401, Api.delete("api/sessions/current", member.token()).statusCode());
    assertEquals(1, Database.count("SELECT COUNT(*) FROM rooms WHERE id = ?", room));
    assertEquals(1, Database.count("SELECT COUNT(*) FROM sessions WHERE room_id = ?", room));
  }

  @Test
  void theOwnerLeavingDeletesTheRoom() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.member(room);
    assertEquals(204, Api.delete("api/sessions/current", owner.token()).statusCode());
    assertEquals(0, Database.rowsOfRoom(room));
  }

  @Test
  void unknownApiPathsAndMethodsAnswerJsonWithoutServerDetails() {
    HttpResponse<String> missing = Api.get("api/does-not-exist", null);
    assertEquals(404, missing.statusCode());
    assertJsonErrorWithoutInternals(missing);
    HttpResponse<String> wrongMethod = Api.get("api/sessions/current", null);
    assertEquals(405, wrongMethod.statusCode());
    assertJsonErrorWithoutInternals(wrongMethod);
    HttpResponse<String> page = Api.get("no-such-page.html", null);
    assertEquals(404, page.statusCode());
    assertFalse(page.body().contains("Exception"), page.body());
    assertFalse(page.body().contains("SRVE"), page.body());
  }

  @Test
  void everyPageCarriesTheSecurityHeaders() {
    HttpResponse<String> page = Api.get("", null);
    assertEquals(200, page.statusCode());
    String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
    assertTrue(csp.contains("default-src 'self'"), csp);
    assertTrue(csp.contains("object-src 'none'"), csp);
    assertTrue(csp.contains("base-uri 'none'"), csp);
    assertTrue(csp.contains("frame-ancestors 'none'"), csp);
    assertFalse(csp.contains("unsafe-inline"), csp);
    assertFalse(csp.contains("unsafe-eval"), csp);
    assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElse(""));
    assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
    assertTrue(page.headers().firstValue("Permissions-Policy").isPresent());
    assertNotEquals("", page.headers().firstValue("Permissions-Policy").orElse(""));
  }

  @Test
  void healthEndpointsReportUp() {
    for (String path : List.of("health/live", "health/ready", "health/started")) {
      HttpResponse<String> r = Api.get(path, null);
      assertEquals(200, r.statusCode(), path + " " + r.body());
      assertTrue(r.body().contains("\"status\":\"UP\""), r.body());
    }
    assertTrue(Api.get("health/ready", null).body().contains("database"));
  }

  static void assertJsonErrorWithoutInternals(HttpResponse<String> r) {
    String body = r.body();
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), body);
    assertNotNull(Api.field(body, "error"), body);
    for (String leak : List.of("Exception", "at chat.", "at java.", "SRVE", "CWW", "eclipse", "Liberty")) {
      assertFalse(body.contains(leak), "response leaks server internals: " + body);
    }
  }
}
