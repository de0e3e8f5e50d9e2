package chat.sotto.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.Database;
import chat.sotto.it.SottoWar;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/** Coming back, leaving, and the owner closing the room, as the people in it see it. */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class MembershipBrowserIT {
  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void closingTheRoomShowsEveryoneTheGoneNoticeAndLeavesNoRowOfIt() {
    try (Browser a = Browser.start();
        Browser b = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      String invite = alice.copyInviteLink();
      String roomId = alice.code().roomId();
      RoomPage bob = RoomPage.openInvite(b, invite);
      String said = Secret.word("closing");
      alice.send(said);
      bob.awaitMessage(said);
      assertTrue(Database.rowsOfRoom(roomId) >= 3, "the room, two sessions and a message are stored");

      alice.closeRoom();
      assertTrue(bob.awaitGoneNotice().contains("closed"), "the member is told the room was closed");
      assertTrue(alice.awaitGoneNotice().contains("closed"), "the owner is told the room was closed");
      // The gone notice follows the room's deletion; its rate buckets go in a transaction of their own just after.
      chat.sotto.it.Await.until("the room's rows deleted", Duration.ofSeconds(10), () -> Database.rowsOfRoom(roomId) == 0);
      assertFalse(b.shows("Message"), "the conversation is no longer shown");

      b.click("Back to start");
      b.until("the start page", d -> bob.showsStartPage());
      b.open(invite);
      assertTrue(bob.awaitGoneNotice().contains("no longer exists"), "the old invite link leads nowhere");
      assertEquals(0, Database.rowsOfRoom(roomId), "opening the old link does not bring the room back");
    }
  }

  @Test
  void aMemberWhoLeavesIsBackOnTheStartPageAndGoneFromTheOwnersList() {
    try (Browser a = Browser.start();
        Browser b = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      RoomPage bob = RoomPage.openInvite(b, alice.copyInviteLink());
      String bobId = bob.selfId();
      a.until("the member online in the owner's list", d -> alice.showsOnline(bobId));

      bob.leave();
      b.until("the start page", d -> bob.showsStartPage());
      assertFalse(b.url().contains("#"), "the room code is gone from the address bar: " + b.url());
      a.until("the member gone from the owner's list",
          d -> alice.participants().stream().noneMatch(p -> p.sessionId().equals(bobId)));
      assertEquals(0, Database.count("SELECT COUNT(*) FROM sessions WHERE id = ?", bobId));
      assertEquals(1, Database.count("SELECT COUNT(*) FROM rooms WHERE id = ?", alice.code().roomId()),
          "the room stays for the owner");
    }
  }

  @Test
  void reloadingThePageReentersTheRoomAsTheSameParticipantWithItsHistory() {
    try (Browser a = Browser.start();
        Browser b = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      String roomId = alice.code().roomId();
      RoomPage bob = RoomPage.openInvite(b, alice.copyInviteLink());
      String bobId = bob.selfId();
      String nick = bob.nickname();
      String said = Secret.word("before");
      bob.send(said);
      RoomPage.Message before = alice.awaitMessage(said);

      b.reload();
      bob.awaitConnected();
      assertEquals(bobId, bob.selfId(), "the same participant after the reload");
      assertEquals(nick, bob.nickname());
      assertEquals(before.seq(), bob.awaitMessage(said).seq(), "the history is shown again");
      a.until("the member online again in the owner's list", d -> alice.showsOnline(bobId));
      assertEquals(2, alice.participants().size(), "no second entry for the same person");
      assertEquals(2, Database.count("SELECT COUNT(*) FROM sessions WHERE room_id = ?", roomId),
          "no new session was created");
    }
  }
}
