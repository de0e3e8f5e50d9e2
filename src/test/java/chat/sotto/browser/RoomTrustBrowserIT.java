package chat.sotto.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.Database;
import chat.sotto.it.SottoWar;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Trust inside a room, as people and attackers see it: signatures catch a forging member, safety codes match on both
 * sides and differ when the server swaps a key, a removed member can open nothing sent after the removal, a newcomer
 * after it knocks and reads only once admitted, and the owner can lock the room and hand it over.
 */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class RoomTrustBrowserIT {
  /** Loads the room's crypto from the page's own modules; the room code is the script's first argument. */
  private static final String ROOM_CRYPTO = "const { parseCode } = await import('/js/roomcode.js');"
      + " const { deriveRoomId, deriveRoomKey } = await import('/js/crypto.js');"
      + " const p = await import('/js/protocol.js');"
      + " const { createMemberKeys } = await import('/js/trust/member-keys.js');"
      + " const { EpochKeys } = await import('/js/trust/epochs.js');"
      + " const bytes = parseCode(arguments[0]);"
      + " const roomId = await deriveRoomId(bytes); const key = await deriveRoomKey(bytes);";

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void aForgingMemberIsCaughtAndNeverShownAsAnotherMember() {
    try (Browser a = Browser.start();
        Browser m = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      alice.setNickname("Alice");
      String code = alice.code().formatted();
      String aliceId = alice.selfId();
      RoomPage mallory = RoomPage.openInvite(m, alice.copyInviteLink());
      mallory.setNickname("Mallory");
      String malloryId = mallory.selfId();
      a.until("Mallory in Alice's list", d -> alice.participants().stream()
          .anyMatch(p -> p.sessionId().equals(malloryId) && p.name().equals("Mallory")));

      // Mallory knows the room key: she seals envelopes that claim to be Alice's, or that she signs with a key
      // she never announced, and a profile that takes Alice's name with keys its signature does not match.
      String forged = Secret.word("forged");
      m.script("return (async () => {" + ROOM_CRYPTO
          + " const session = JSON.parse(sessionStorage.getItem('sotto.session.' + roomId));"
          + " const stranger = await createMemberKeys();"
          + " const ctx = (sessionId, counter) => ({ roomId, sessionId, counter, epoch: 0, key,"
          + "   signKey: stranger.sign.privateKey });"
          + " const chats = [await p.sealChat(ctx(arguments[1], 1000000001), { text: arguments[2] + '-as-alice',"
          + "   sentAt: Date.now() }), await p.sealChat(ctx(session.sessionId, 1000000002), {"
          + "   text: arguments[2] + '-unannounced-key', sentAt: Date.now() })];"
          + " const profile = await p.sealProfile(ctx(session.sessionId, 1000000003), { nick: 'Alice',"
          + "   keys: (await createMemberKeys()).publicKeys });"
          + " const ws = new WebSocket(`ws://${location.host}/ws`);"
          + " await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });"
          + " ws.send(JSON.stringify({ t: 'auth', token: session.token, since: 1000000000 }));"
          + " const acked = new Set();"
          + " await new Promise((resolve, reject) => {"
          + "   setTimeout(() => reject(new Error('no answer from the relay')), 20000);"
          + "   ws.onmessage = (e) => { for (const line of e.data.split('\\n')) { const f = JSON.parse(line);"
          + "     if (f.t === 'welcome') chats.forEach((c) => ws.send(JSON.stringify(c)));"
          + "     if (f.t === 'ack') { acked.add(f.c); if (acked.size === 2) {"
          + "       ws.send(JSON.stringify(profile)); ws.send(JSON.stringify({ t: 'ping' })); } }"
          + "     if (f.t === 'error' && f.c === profile.c) setTimeout(() => {"
          + "       ws.send(JSON.stringify(profile)); ws.send(JSON.stringify({ t: 'ping' })); }, f.retryAfterMs || 1000);"
          + "     if (f.t === 'pong') resolve(); } }; });"
          + " ws.close(); })()", code, aliceId, forged);

      String honest = Secret.word("honest");
      mallory.send(honest);
      assertEquals("Mallory", alice.awaitMessage(honest).author(), "Mallory's own messages still show as hers");
      assertTrue(alice.messages().stream().noneMatch(msg -> msg.text().startsWith(forged)),
          "no forged envelope is shown: " + alice.messages());
      assertTrue(alice.participants().stream()
              .anyMatch(p -> p.sessionId().equals(malloryId) && p.name().equals("Mallory")),
          "the forged profile did not rename Mallory: " + alice.participants());

      // Taking Alice's nickname in her real profile only gets Mallory a name that is told apart by its key tag.
      // (After a reload, Mallory's page counts on above the counters her forgeries used.)
      m.reload();
      mallory.awaitConnected();
      mallory.setNickname("Alice");
      String copycat = Secret.word("copycat");
      mallory.send(copycat);
      // (The profile with the new name may trail the message by the server's one-per-second profile limit.)
      RoomPage.Message shown = a.until("the copied name shown with Mallory's key tag", d -> alice.messages().stream()
          .filter(msg -> msg.text().equals(copycat) && msg.author().startsWith("Alice #")).findFirst().orElse(null));
      String ownAuthor = alice.messages().stream().filter(msg -> msg.from().equals(aliceId)).map(RoomPage.Message::author)
          .findFirst().orElse("Alice #");
      assertNotEquals(shown.author(), ownAuthor, "Alice's own messages are not shown under Mallory's name");
    }
  }

  @Test
  void safetyCodesMatchOnBothSidesChangeWithTheKeyDifferForAKeyTheServerSwappedAndOwnershipCanBeHandedOver() {
    try (Browser a = Browser.start();
        Browser b = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      String code = alice.code().formatted();
      String roomId = alice.code().roomId();
      RoomPage bob = RoomPage.openInvite(b, alice.copyInviteLink());
      String aliceId = alice.selfId();
      String bobId = bob.selfId();
      a.until("Bob online for Alice", d -> alice.showsOnline(bobId));

      alice.openMember(bobId);
      String aliceSees = alice.safetyCode();
      bob.openMember(aliceId);
      String bobSees = bob.safetyCode();
      assertEquals(aliceSees, bobSees, "both see the same code for their pair");
      assertTrue(aliceSees.matches("\\d{4} \\d{4} \\d{4}"), "12 digits in groups of 4: " + aliceSees);
      a.script("document.getElementById('member-verified').click()");
      alice.closeMemberDialog();
      bob.closeMemberDialog();
      a.until("Bob marked verified", d -> alice.showsVerified(bobId));

      // Bob's browser loses his keys (site data cleared): his new key is a changed code for Alice, who is warned.
      b.script("indexedDB.deleteDatabase('sotto-keys')");
      b.reload();
      bob.awaitConnected();
      a.until("Alice is warned that Bob's code changed", d -> alice.timelineNotices().stream()
          .anyMatch(n -> n.contains("safety code changed")));
      assertFalse(alice.showsVerified(bobId), "a changed key is no longer verified");
      alice.openMember(bobId);
      String aliceSeesNow = alice.safetyCode();
      alice.closeMemberDialog();
      assertNotEquals(aliceSees, aliceSeesNow, "the new key has another code");
      bob.openMember(aliceId);
      String bobSeesNow = bob.safetyCode();
      bob.closeMemberDialog();
      assertEquals(aliceSeesNow, bobSeesNow, "and both sides see that new code alike");

      // A hostile server swaps Bob's profile for one with a key of its own (sealed by someone holding the code).
      @SuppressWarnings("unchecked")
      Map<String, Object> swapped = (Map<String, Object>) b.script("return (async () => {" + ROOM_CRYPTO
          + " const mitm = await createMemberKeys();"
          + " const nick = document.getElementById('nickname-input').value;"
          + " return p.sealProfile({ roomId, sessionId: arguments[1], counter: 1000000005, epoch: 0, key,"
          + "   signKey: mitm.sign.privateKey }, { nick, keys: mitm.publicKeys }); })()", code, bobId);
      assertEquals(1, Database.update(
          "UPDATE sessions SET profile_counter = ?, profile_iv = ?, profile_ct = ? WHERE id = ? AND room_id = ?",
          1000000005L, swapped.get("iv"), swapped.get("ct"), bobId, roomId));
      a.reload();
      alice.awaitConnected();
      alice.openMember(bobId);
      assertNotEquals(bobSeesNow, alice.safetyCode(), "the swapped key shows as a different code");
      alice.closeMemberDialog();
      assertFalse(alice.showsVerified(bobId), "the verified mark does not carry over to another key");

      // Alice hands the room to Bob and leaves; the room lives on with Bob as its owner.
      b.reload();
      bob.awaitConnected();
      a.until("Bob online for Alice", d -> alice.showsOnline(bobId));
      alice.makeOwner(bobId);
      b.until("Bob sees the room settings", d -> Boolean.FALSE.equals(
          b.script("return document.getElementById('owner-controls').hidden")));
      a.until("Alice can leave as a member", d -> a.shows("Leave room"));
      alice.leave();
      a.until("Alice back on the start page", d -> alice.showsStartPage());
      b.until("Alice gone from Bob's list",
          d -> bob.participants().stream().noneMatch(p -> p.sessionId().equals(aliceId)));
      assertEquals(1, Database.count("SELECT COUNT(*) FROM rooms WHERE id = ?", roomId), "the room lives on");
      String after = Secret.word("stillhere");
      bob.send(after);
      assertTrue(b.shows("Close room"), "the new owner can close the room");
    }
  }

  @Test
  void aRemovedMemberOpensNothingSentAfterAndANewcomerReadsOnlyOnceAdmitted() {
    try (Browser a = Browser.start();
        Browser b = Browser.start();
        Browser c = Browser.start();
        Browser d = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      String invite = alice.copyInviteLink();
      String code = alice.code().formatted();
      String roomId = alice.code().roomId();
      RoomPage bob = RoomPage.openInvite(b, invite);
      RoomPage carol = RoomPage.openInvite(c, invite);
      String bobId = bob.selfId();
      String carolId = carol.selfId();
      a.until("Bob and Carol online for Alice", dr -> alice.showsOnline(bobId) && alice.showsOnline(carolId));
      String before = Secret.word("before");
      carol.send(before);
      bob.awaitMessage(before);
      long lastSeqBefore = alice.awaitMessage(before).seq();

      alice.removeMember(carolId);
      c.until("Carol is told she was removed", dr -> carol.showsStartPage()
          && carol.notice().contains("removed you"));
      assertEquals(0, Database.count("SELECT COUNT(*) FROM sessions WHERE id = ?", carolId));
      int framesCarolHad = c.receivedFrames().size();

      String afterBob = Secret.word("afterbob");
      String afterAlice = Secret.word("afteralice");
      bob.send(afterBob);
      alice.send(afterAlice);
      alice.awaitMessage(afterBob);
      bob.awaitMessage(afterAlice);

      // Carol still knows the code. Everything stored after the removal (read straight from the server's database,
      // as a server that helped her would) opens for her only as the hand-over's outer layer, with no wrap for her.
      List<Map<String, Object>> stored = storedAfter(roomId, lastSeqBefore);
      assertTrue(stored.size() >= 3, "a hand-over and two messages were stored: " + stored.size());
      @SuppressWarnings("unchecked")
      List<String> opened = (List<String>) c.script("return (async () => {" + ROOM_CRYPTO
          + " const ring = new EpochKeys(key); const out = [];"
          + " for (const e of arguments[1]) { const o = await p.openChat(ring, roomId, e, null);"
          + "   out.push(o === null ? 'closed' : o.kind === 'epoch'"
          + "     ? (o.handover.wraps.some((w) => w.to === arguments[2]) ? 'wrap-for-carol' : 'handover')"
          + "     : 'text:' + o.text); }"
          + " return out; })()", code, stored, carolId);
      assertTrue(opened.contains("handover"), "the new key was handed over: " + opened);
      assertTrue(opened.stream().allMatch(o -> o.equals("closed") || o.equals("handover")),
          "Carol opens nothing sent after her removal: " + opened);
      assertEquals(framesCarolHad, c.receivedFrames().size(), "nothing reached Carol's browser after the removal");

      // A newcomer (Carol again, or anyone with the code) now knocks and sees nothing before the owner admits them.
      String dave = RoomPage.openInviteAndKnock(d, invite);
      RoomPage.Knock knock = a.until("Dave's knock at Alice's", dr -> alice.knocks().stream().findFirst().orElse(null));
      assertEquals(dave, knock.code(), "the owner sees the code the newcomer's page shows");
      assertTrue(d.receivedFrames().stream().allMatch(f -> f.contains("\"waiting\"") || f.contains("\"pong\"")),
          "a knocking page receives nothing of the room: " + d.receivedFrames());
      assertTrue(new RoomPage(d).messages().isEmpty(), "no message is shown while waiting");

      a.click("Admit");
      RoomPage daveRoom = new RoomPage(d).awaitConnected();
      String welcome = Secret.word("welcomedave");
      alice.send(welcome);
      daveRoom.awaitMessage(welcome);
      daveRoom.awaitMessage(afterBob);
      assertTrue(d.receivedFrames().stream().anyMatch(f -> f.contains("\"admitted\"")), "admitted by the owner");

      // Locked: nobody new gets in, not even by knocking.
      a.script("document.getElementById('lock-room').click()");
      a.until("the room shows as locked", dr -> String.valueOf(
          a.script("return document.getElementById('room-state').textContent")).contains("Locked"));
      c.open(invite);
      c.until("Carol is told the room is locked", dr -> carol.showsStartPage() && carol.notice().contains("locked"));
      assertEquals(3, Database.count("SELECT COUNT(*) FROM sessions WHERE room_id = ?", roomId),
          "no session was issued in the locked room");
    }
  }

  /** The envelopes stored in a room after a seq, as {from, c, iv, ct} (what the server could hand anyone). */
  private static List<Map<String, Object>> storedAfter(String roomId, long seq) {
    List<Map<String, Object>> out = new ArrayList<>();
    try (Connection db = Database.connect();
        PreparedStatement ps = db.prepareStatement(
            "SELECT sender_id, counter, iv, ct FROM messages WHERE room_id = ? AND seq > ? ORDER BY seq")) {
      ps.setString(1, roomId);
      ps.setLong(2, seq);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(Map.of("from", rs.getString(1), "c", rs.getLong(2), "iv", rs.getString(3), "ct", rs.getString(4)));
        }
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
    return out;
  }
}
