package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Data dies: the owner closing, the owner staying away past the grace period (8 s in the test server), and the idle
 * timer each delete every row of the room, and connected members are told.
 */
@ExtendWith(ArquillianExtension.class)
class LifecycleIT {
  private static final Duration TIMER_BOUND = Duration.ofSeconds(30);

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void ownerClosingTellsEveryoneAndLeavesNoRowOfTheRoom() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session member = Api.member(room);
    try (RelayClient a = RelayClient.connect(owner, 0);
        RelayClient b = RelayClient.connect(member, 0)) {
      a.sendEnvelope(1, 100);
      b.await("msg");
      assertEquals(204, Api.delete("api/rooms/" + room, owner.token()).statusCode());
      b.await("gone");
      assertEquals(4404, b.awaitClose());
      a.await("gone");
      assertEquals(4404, a.awaitClose());
    }
    assertEquals(0, Database.rowsOfRoom(room));
  }

  @Test
  void ownerAwayPastTheGracePeriodDeletesTheRoom() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session member = Api.member(room);
    try (RelayClient b = RelayClient.connect(member, 0)) {
      RelayClient a = RelayClient.connect(owner, 0);
      a.sendEnvelope(1, 100);
      b.await("msg");
      a.abort();
      b.await("gone");
      assertEquals(4404, b.awaitClose());
    }
    assertEquals(0, Database.rowsOfRoom(room));
    assertEquals(404, Api.join(room).statusCode());
  }

  @Test
  void ownerReturningWithinTheGracePeriodKeepsTheRoom() {
    String room = Api.newRoomId();
    String control = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session controlOwner = Api.owner(control);
    RelayClient first = RelayClient.connect(owner, 0);
    RelayClient controlFirst = RelayClient.connect(controlOwner, 0);
    first.abort();
    controlFirst.abort();
    Await.until(
        "the server to notice the owner left",
        Duration.ofSeconds(10),
        () -> Database.count("SELECT COUNT(*) FROM rooms WHERE id = ? AND owner_away_since IS NOT NULL", room) == 1);
    try (RelayClient back = RelayClient.connect(owner, 0)) {
      // The control room's owner never came back: once the timer deleted it, the grace period has passed.
      Await.until("the control room to expire", TIMER_BOUND, () -> Database.rowsOfRoom(control) == 0);
      assertEquals(1, Database.count("SELECT COUNT(*) FROM rooms WHERE id = ?", room));
      back.send("{\"t\":\"ping\"}");
      back.await("pong");
    }
  }

  @Test
  void theCleanupTimerDeletesAnIdleRoom() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    try (RelayClient a = RelayClient.connect(owner, 0)) {
      a.sendEnvelope(1, 100);
      a.await("ack");
      long dayAndAHourAgo = System.currentTimeMillis() - Duration.ofHours(25).toMillis();
      assertEquals(1, Database.update("UPDATE rooms SET last_activity_at = ? WHERE id = ?", dayAndAHourAgo, room));
      a.await("gone");
      assertEquals(4404, a.awaitClose());
    }
    Await.until("no row of the room", TIMER_BOUND, () -> Database.rowsOfRoom(room) == 0);
  }
}
