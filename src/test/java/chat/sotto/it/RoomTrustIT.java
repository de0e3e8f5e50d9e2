package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Trust inside a room, as owner, members and knocking newcomers see it: lock, knock, admission, removal, hand-over. */
@ExtendWith(ArquillianExtension.class)
class RoomTrustIT {
  /** Frames of the room that a knocking session must never see. */
  private static final Set<String> ROOM_FRAMES =
      Set.of("welcome", "msg", "presence", "profile", "typing", "left", "room", "signal", "owner", "knock");

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void aLockedRoomRefusesJoinsUntilTheOwnerUnlocksIt() {
    String room = Api.newRoomId();
    HttpResponse<String> created = Api.createRoom(room);
    assertTrue(created.body().contains("\"admitted\":true"), created.body());
    Api.Session owner = Api.Session.of(room, created.body());
    Api.Session member = Api.member(room);
    assertTrue(member.admitted());
    try (RelayClient m = RelayClient.connect(member, 0)) {
      assertAccess(m.welcome(), false, false, false);
      HttpResponse<String> locked = settings(room, "{\"locked\":true}", owner);
      assertEquals(200, locked.statusCode());
      assertEquals("{\"locked\":true,\"knock\":false,\"sealed\":false}", locked.body());
      assertAccess(m.await("room"), true, false, false);

      HttpResponse<String> refused = Api.join(room);
      assertEquals(403, refused.statusCode());
      assertEquals("room_locked", Api.field(refused.body(), "error"));

      assertEquals(200, settings(room, "{\"locked\":false}", owner).statusCode());
      assertAccess(m.await("room"), false, false, false);
      Api.Session late = Api.member(room);
      assertTrue(late.admitted(), "an unlocked room that does not knock admits at once");
    }
  }

  @Test
  void onlyTheOwnerChangesTheRoomAndOnlyWithAWellFormedBody() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session member = Api.member(room);
    HttpResponse<String> notOwner = settings(room, "{\"locked\":true}", member);
    assertEquals(403, notOwner.statusCode());
    assertEquals("not_owner", Api.field(notOwner.body(), "error"));
    assertEquals(401, Api.patch("api/rooms/" + room, "{\"locked\":true}", null).statusCode());
    for (String body :
        List.of(
            "",
            "{}",
            "[]",
            "not json",
            "{\"locked\":1}",
            "{\"knock\":\"true\"}",
            "{\"locked\":null}",
            "{\"sealed\":false}",
            "{\"locked\":true,\"extra\":true}")) {
      HttpResponse<String> r = settings(room, body, owner);
      assertEquals(400, r.statusCode(), body);
      assertEquals("bad_request", Api.field(r.body(), "error"), body);
      assertFalse(r.body().contains("Exception"), r.body());
    }
    assertEquals(0, Database.count("SELECT COUNT(*) FROM rooms WHERE id = ? AND locked", room));
  }

  @Test
  void aKnockingSessionSeesNothingOfTheRoomAndCanOnlyKnock() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session member = Api.member(room);
    assertEquals(200, settings(room, "{\"knock\":true}", owner).statusCode());
    HttpResponse<String> joined = Api.join(room);
    assertEquals(201, joined.statusCode());
    assertTrue(joined.body().contains("\"admitted\":false"), joined.body());
    Api.Session newcomer = Api.Session.of(room, joined.body());

    try (RelayClient o = RelayClient.connect(owner, 0);
        RelayClient m = RelayClient.connect(member, 0);
        RelayClient w = RelayClient.knock(newcomer)) {
      assertEquals(newcomer.sessionId(), w.welcome().getString("sessionId"));
      assertAccess(m.welcome(), false, true, false);
      o.await(f -> "presence".equals(f.getString("t")) && f.getJsonArray("online").size() == 2, "both members");

      // A message, a profile and typing of a member reach the owner, not the knocking session.
      m.sendEnvelope(1, 200);
      o.await("msg");
      m.send(RelayClient.envelope("profile", 2, 60));
      o.await("profile");

      // Everything but knock and ping is refused while it waits.
      for (String frame :
          List.of(
              RelayClient.envelope("msg", 1, 50),
              RelayClient.envelope("profile", 2, 50),
              "{\"t\":\"typing\"}",
              "{\"t\":\"signal\",\"to\":\"" + owner.sessionId() + "\",\"c\":3,\"iv\":\"" + Api.random(12)
                  + "\",\"ct\":\"" + Api.random(40) + "\"}")) {
        w.send(frame);
        JsonObject error = w.await("error");
        assertEquals("not_admitted", error.getString("code"), frame);
      }
      assertFalse(w.isClosed(), "the socket stays open");

      String knock = RelayClient.envelope("knock", 4, 120);
      w.send(knock);
      JsonObject atOwner = o.await("knock");
      assertEquals(newcomer.sessionId(), atOwner.getString("from"));
      assertEquals(4, atOwner.getJsonNumber("c").longValue());
      assertTrue(knock.contains(atOwner.getString("ct")), "the knock is relayed unchanged");
      w.send(RelayClient.envelope("knock", 5, 2_000));
      assertEquals("too_large", w.await("error").getString("code"));

      // A signal to the knocking session finds no one.
      m.send("{\"t\":\"signal\",\"to\":\"" + newcomer.sessionId() + "\",\"c\":6,\"iv\":\"" + Api.random(12)
          + "\",\"ct\":\"" + Api.random(40) + "\"}");
      assertEquals("not_in_room", m.await("error").getString("code"));

      // Barriers: a pong at each socket comes after everything the room sent them before.
      w.send("{\"t\":\"ping\"}");
      w.await("pong");
      m.send("{\"t\":\"ping\"}");
      m.await("pong");
      for (JsonObject f : w.drain()) {
        assertFalse(ROOM_FRAMES.contains(f.getString("t")), "the knocking session got " + f);
      }
      for (JsonObject f : m.drain()) {
        assertFalse("knock".equals(f.getString("t")), "only the owner gets knocks: " + f);
        if ("presence".equals(f.getString("t"))) {
          assertFalse(f.toString().contains(newcomer.sessionId()), "not in anyone's presence: " + f);
        }
      }

      HttpResponse<String> history = Api.get("api/rooms/" + room + "/messages", newcomer.token());
      assertEquals(403, history.statusCode());
      assertEquals("not_admitted", Api.field(history.body(), "error"));
      HttpResponse<String> ice = Api.get("api/ice", newcomer.token());
      assertEquals(403, ice.statusCode());
      assertEquals("not_admitted", Api.field(ice.body(), "error"));

      try (RelayClient o2 = RelayClient.connect(owner, 0);
          RelayClient m2 = RelayClient.connect(member, 0)) {
        JsonObject stored = o2.welcome().getJsonArray("knocks").getJsonObject(0);
        assertEquals(newcomer.sessionId(), stored.getString("from"));
        assertEquals(atOwner.getString("ct"), stored.getString("ct"));
        assertEquals("knock", stored.getString("t"));
        assertFalse(o2.welcome().getJsonArray("profiles").toString().contains(newcomer.sessionId()));
        assertNull(m2.welcome().get("knocks"), "only the owner's welcome lists knocks");
        assertFalse(m2.welcome().toString().contains(newcomer.sessionId()), m2.welcome().toString());
      }
    }
  }

  @Test
  void admissionClosesTheWaitingSocketWith4100AndTheNextConnectionIsAMember() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session member = Api.member(room);
    assertEquals(200, settings(room, "{\"knock\":true}", owner).statusCode());
    Api.Session newcomer = Api.member(room);
    assertFalse(newcomer.admitted());
    try (RelayClient o = RelayClient.connect(owner, 0);
        RelayClient w = RelayClient.knock(newcomer)) {
      o.sendEnvelope(1, 100);
      o.await("ack");
      HttpResponse<String> byMember = admit(room, newcomer, member);
      assertEquals(403, byMember.statusCode());
      assertEquals("not_owner", Api.field(byMember.body(), "error"));
      HttpResponse<String> unknown =
          Api.post("api/rooms/" + room + "/members/" + Api.random(16) + "/admit", null, owner.token());
      assertEquals(404, unknown.statusCode());
      assertEquals("member_not_found", Api.field(unknown.body(), "error"));

      assertEquals(204, admit(room, newcomer, owner).statusCode());
      w.await("admitted");
      assertEquals(4100, w.awaitClose());
      assertEquals(204, admit(room, newcomer, owner).statusCode(), "admitting again changes nothing");

      try (RelayClient n = RelayClient.connect(newcomer, 0)) {
        assertEquals(1, n.messages(1).size(), "the history is replayed to the admitted member");
        o.await(
            f -> "presence".equals(f.getString("t")) && f.toString().contains(newcomer.sessionId()),
            "the admitted member in presence");
        assertEquals(200, Api.get("api/rooms/" + room + "/messages", newcomer.token()).statusCode());
      }
    }
  }

  @Test
  void refusingAKnockClosesTheWaitingSocketWith4003AndDoesNotSealTheRoom() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session member = Api.member(room);
    assertEquals(200, settings(room, "{\"knock\":true}", owner).statusCode());
    Api.Session newcomer = Api.member(room);
    try (RelayClient m = RelayClient.connect(member, 0);
        RelayClient w = RelayClient.knock(newcomer)) {
      assertEquals(204, remove(room, newcomer, owner).statusCode());
      assertEquals(4003, w.awaitClose());
      JsonObject left = m.await("left");
      assertEquals(newcomer.sessionId(), left.getString("from"));
      assertTrue(left.getBoolean("removed"));
      assertEquals(401, Api.get("api/rooms/" + room + "/messages", newcomer.token()).statusCode());
      HttpResponse<String> open = settings(room, "{\"knock\":false}", owner);
      assertEquals(200, open.statusCode(), "refusing a knock does not seal the room");
      assertEquals("{\"locked\":false,\"knock\":false,\"sealed\":false}", open.body());
    }
  }

  @Test
  void removingAMemberClosesItsSocketsTellsTheRoomAndSealsIt() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session stays = Api.member(room);
    Api.Session removed = Api.member(room);
    Api.Session elsewhere = Api.member(otherRoom());
    try (RelayClient s = RelayClient.connect(stays, 0);
        RelayClient r = RelayClient.connect(removed, 0)) {
      for (Api.Session notOwner : List.of(stays, removed)) {
        HttpResponse<String> refused = remove(room, removed, notOwner);
        assertEquals(403, refused.statusCode());
        assertEquals("not_owner", Api.field(refused.body(), "error"));
      }
      HttpResponse<String> self = remove(room, owner, owner);
      assertEquals(400, self.statusCode());
      assertEquals("cannot_remove_self", Api.field(self.body(), "error"));
      HttpResponse<String> foreign = remove(room, elsewhere, owner);
      assertEquals(404, foreign.statusCode());
      assertEquals("member_not_found", Api.field(foreign.body(), "error"));
      assertEquals(401, Api.delete("api/rooms/" + room + "/members/" + removed.sessionId(), null).statusCode());

      assertEquals(204, remove(room, removed, owner).statusCode());
      assertEquals(4003, r.awaitClose());
      JsonObject left = s.await("left");
      assertEquals(removed.sessionId(), left.getString("from"));
      assertTrue(left.getBoolean("removed"));
      assertAccess(s.await("room"), false, true, true);
    }
    assertEquals(401, Api.get("api/rooms/" + room + "/messages", removed.token()).statusCode());
    assertEquals(0, Database.count("SELECT COUNT(*) FROM sessions WHERE id = ?", removed.sessionId()));
    assertEquals(404, remove(room, removed, owner).statusCode(), "the removed session is gone");

    HttpResponse<String> open = settings(room, "{\"knock\":false}", owner);
    assertEquals(409, open.statusCode());
    assertEquals("knock_required", Api.field(open.body(), "error"));
    HttpResponse<String> lock = settings(room, "{\"locked\":false,\"knock\":true}", owner);
    assertEquals("{\"locked\":false,\"knock\":true,\"sealed\":true}", lock.body());
    assertFalse(Api.member(room).admitted(), "a sealed room makes newcomers knock");
    try (RelayClient o = RelayClient.connect(owner, 0)) {
      assertAccess(o.welcome(), false, true, true);
    }
  }

  @Test
  void handingTheRoomOverMovesEveryOwnerPowerToTheNewOwner() {
    String room = Api.newRoomId();
    Api.Session former = Api.owner(room);
    Api.Session next = Api.member(room);
    Api.Session other = Api.member(room);
    assertEquals(200, settings(room, "{\"knock\":true}", former).statusCode());
    Api.Session knocking = Api.member(room);

    HttpResponse<String> byMember = handOver(room, other.sessionId(), next);
    assertEquals(403, byMember.statusCode());
    assertEquals("not_owner", Api.field(byMember.body(), "error"));
    HttpResponse<String> toKnocking = handOver(room, knocking.sessionId(), former);
    assertEquals(409, toKnocking.statusCode());
    assertEquals("not_admitted", Api.field(toKnocking.body(), "error"));
    assertEquals(404, handOver(room, Api.random(16), former).statusCode());
    for (String body : List.of("{}", "{\"sessionId\":42}", "{\"sessionId\":\"short\"}", "x")) {
      HttpResponse<String> r = Api.post("api/rooms/" + room + "/owner", body, former.token());
      assertEquals(400, r.statusCode(), body);
    }

    try (RelayClient f = RelayClient.connect(former, 0);
        RelayClient n = RelayClient.connect(next, 0);
        RelayClient o = RelayClient.connect(other, 0);
        RelayClient w = RelayClient.knock(knocking)) {
      w.send(RelayClient.envelope("knock", 1, 80));
      f.await("knock");
      assertEquals(204, handOver(room, next.sessionId(), former).statusCode());
      for (RelayClient c : List.of(f, n, o)) {
        assertEquals(next.sessionId(), c.await("owner").getString("ownerId"));
      }
      assertEquals(knocking.sessionId(), n.await("knock").getString("from"), "the waiting knocks reach the new owner");
      Await.until(
          "the grace clock to follow the new owner, who is online",
          Duration.ofSeconds(10),
          () -> Database.count("SELECT COUNT(*) FROM rooms WHERE id = ? AND owner_away_since IS NULL", room) == 1);

      HttpResponse<String> formerPatch = settings(room, "{\"locked\":true}", former);
      assertEquals(403, formerPatch.statusCode());
      assertEquals("not_owner", Api.field(formerPatch.body(), "error"));
      assertEquals(403, remove(room, other, former).statusCode());
      assertEquals(403, Api.delete("api/rooms/" + room, former.token()).statusCode());
      assertEquals(200, settings(room, "{\"locked\":false}", next).statusCode());
      assertEquals(204, admit(room, knocking, next).statusCode());
      assertEquals(4100, w.awaitClose());

      // The former owner leaves as a member: the room lives on.
      assertEquals(204, Api.delete("api/sessions/current", former.token()).statusCode());
      assertEquals(4001, f.awaitClose());
      assertEquals(former.sessionId(), o.await("left").getString("from"));
      assertEquals(1, Database.count("SELECT COUNT(*) FROM rooms WHERE id = ?", room));
      o.send("{\"t\":\"ping\"}");
      o.await("pong");
      assertFalse(o.isClosed(), "the others stay");
      try (RelayClient again = RelayClient.connect(next, 0)) {
        assertTrue(again.welcome().getBoolean("owner"));
        assertEquals(next.sessionId(), again.welcome().getString("ownerId"));
      }

      assertEquals(204, Api.delete("api/rooms/" + room, next.token()).statusCode());
      o.await("gone");
      assertEquals(4404, o.awaitClose());
      assertEquals(0, Database.count("SELECT COUNT(*) FROM rooms WHERE id = ?", room), "the new owner closed it");
    }
  }

  private static String otherRoom() {
    String room = Api.newRoomId();
    Api.owner(room);
    return room;
  }

  private static HttpResponse<String> settings(String room, String body, Api.Session who) {
    return Api.patch("api/rooms/" + room, body, who.token());
  }

  private static HttpResponse<String> admit(String room, Api.Session member, Api.Session who) {
    return Api.post("api/rooms/" + room + "/members/" + member.sessionId() + "/admit", null, who.token());
  }

  private static HttpResponse<String> remove(String room, Api.Session member, Api.Session who) {
    return Api.delete("api/rooms/" + room + "/members/" + member.sessionId(), who.token());
  }

  private static HttpResponse<String> handOver(String room, String sessionId, Api.Session who) {
    return Api.post("api/rooms/" + room + "/owner", "{\"sessionId\":\"" + sessionId + "\"}", who.token());
  }

  private static void assertAccess(JsonObject frame, boolean locked, boolean knock, boolean sealed) {
    assertEquals(locked, frame.getBoolean("locked"), frame.toString());
    assertEquals(knock, frame.getBoolean("knock"), frame.toString());
    assertEquals(sealed, frame.getBoolean("sealed"), frame.toString());
  }
}
