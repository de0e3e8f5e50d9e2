package chat.sotto.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.session.SessionId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** When a room must die, on a clock the test controls. */
class RoomLifecycleTest {
  private static final long IDLE = Duration.ofHours(24).toMillis();
  private static final long GRACE = Duration.ofMinutes(2).toMillis();
  private static final RoomId ID = new RoomId("A".repeat(42) + "A");
  private static final SessionId OWNER = SessionId.random();

  private final Clock start = Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC);

  private long at(Duration later) {
    return Clock.offset(start, later).millis();
  }

  @Test
  void aNewRoomWhoseOwnerNeverConnectsDiesAfterTheGracePeriod() {
    Room room = new Room(ID, OWNER, start.millis());
    assertFalse(room.expiredAt(at(Duration.ofSeconds(119)), IDLE, GRACE));
    assertTrue(room.expiredAt(at(Duration.ofSeconds(120)), IDLE, GRACE));
  }

  @Test
  void aRoomIdleForADayDies() {
    Room room = new Room(ID, OWNER, start.millis());
    room.ownerReturned(start.millis());
    assertFalse(room.expiredAt(at(Duration.ofHours(23).plusMinutes(59)), IDLE, GRACE));
    assertTrue(room.expiredAt(at(Duration.ofHours(24)), IDLE, GRACE));
  }

  @Test
  void aPresentOwnerKeepsAnActiveRoomAlive() {
    Room room = new Room(ID, OWNER, start.millis());
    room.ownerReturned(at(Duration.ofHours(2)));
    assertFalse(room.expiredAt(at(Duration.ofHours(3)), IDLE, GRACE));
  }

  @Test
  void theOwnerLeavingStartsTheGraceClockOnceAndReturningStopsIt() {
    Room room = new Room(ID, OWNER, start.millis());
    room.ownerReturned(start.millis());
    room.ownerLeft(at(Duration.ofMinutes(10)));
    room.ownerLeft(at(Duration.ofMinutes(11)));
    assertTrue(room.expiredAt(at(Duration.ofMinutes(12)), IDLE, GRACE), "a second connection closing does not reset it");
    room.ownerReturned(at(Duration.ofMinutes(11)));
    assertFalse(room.expiredAt(at(Duration.ofMinutes(12)), IDLE, GRACE));
  }

  @Test
  void roomIdsMustBe256BitsOfCanonicalBase64Url() {
    assertEquals(43, ID.value().length());
    for (String bad : new String[] {"", "short", "A".repeat(44), "A".repeat(42) + "B", "A".repeat(42) + "=", "A".repeat(42) + "/"}) {
      Refusal r = assertThrows(Refusal.class, () -> RoomId.parse(bad), bad);
      assertEquals(Reason.BAD_REQUEST, r.reason());
    }
    assertThrows(Refusal.class, () -> RoomId.parse(null));
  }

}
