package chat.sotto.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.session.SessionId;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Who may come into a room, and what a removal and a hand-over change of it. */
class RoomAccessTest {
  private static final RoomId ID = new RoomId("B".repeat(42) + "A");
  private static final long GRACE = Duration.ofMinutes(2).toMillis();
  private static final long IDLE = Duration.ofHours(24).toMillis();
  private static final long NOW = 1_800_000_000_000L;

  @Test
  void aNewRoomIsOpenAndSettingsChangeOnlyWhereNamed() {
    Room room = new Room(ID, SessionId.random(), NOW);
    assertEquals(new RoomAccess(false, false, false), room.access());
    room.change(true, null);
    assertEquals(new RoomAccess(true, false, false), room.access());
    room.change(null, true);
    assertEquals(new RoomAccess(true, true, false), room.access());
    room.change(false, false);
    assertEquals(new RoomAccess(false, false, false), room.access());
  }

  @Test
  void aSealedRoomKnocksForGood() {
    Room room = new Room(ID, SessionId.random(), NOW);
    assertTrue(room.seal(), "the first removal seals");
    assertFalse(room.seal(), "a second one changes nothing");
    assertTrue(room.access().knocks());
    Refusal r = assertThrows(Refusal.class, () -> room.change(null, false));
    assertEquals(Reason.KNOCK_REQUIRED, r.reason());
    room.change(true, true);
    assertEquals(new RoomAccess(true, true, true), room.access());
  }

  @Test
  void knockingIsOnWhenAskedForOrSealed() {
    assertFalse(new RoomAccess(true, false, false).knocks(), "locked alone admits no one but makes no one knock");
    assertTrue(new RoomAccess(false, true, false).knocks());
    assertTrue(new RoomAccess(false, false, true).knocks());
    assertEquals("{\"locked\":true,\"knock\":false,\"sealed\":true}", new RoomAccess(true, false, true).json());
  }

  @Test
  void aHandOverStartsTheGraceClockForTheNewOwner() {
    Room room = new Room(ID, SessionId.random(), NOW);
    room.ownerReturned(NOW);
    SessionId next = SessionId.random();
    long handedOver = NOW + Duration.ofHours(1).toMillis();
    room.handOver(next, handedOver);
    assertEquals(next, room.ownerSessionId());
    assertFalse(room.expiredAt(handedOver + GRACE - 1, IDLE, GRACE));
    assertTrue(room.expiredAt(handedOver + GRACE, IDLE, GRACE), "a new owner who never comes lets the room expire");
    room.ownerReturned(handedOver + 1000);
    assertFalse(room.expiredAt(handedOver + 10 * GRACE, IDLE, GRACE), "a new owner who connects keeps it");
  }
}
