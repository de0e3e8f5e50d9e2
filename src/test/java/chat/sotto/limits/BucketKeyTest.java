package chat.sotto.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bucket keys keep the spelling of the rows already stored, and nothing else can be built. */
class BucketKeyTest {
  private static final String ROOM = "r".repeat(42) + "A";
  private static final String SESSION = "s".repeat(21) + "A";
  private static final RoomId ROOM_ID = new RoomId(ROOM);
  private static final SessionId SESSION_ID = new SessionId(SESSION);

  @Test
  void everyKindIsSpelledAsTheStoredRowsAre() {
    assertEquals("rooms", BucketKey.rooms().value());
    assertEquals("sessions", BucketKey.sessions().value());
    assertEquals("join:" + ROOM, BucketKey.join(ROOM_ID).value());
    assertEquals("msg:" + SESSION, BucketKey.sessionMessages(SESSION_ID).value());
    assertEquals("files:" + SESSION, BucketKey.sessionFiles(SESSION_ID).value());
    assertEquals("room-files:" + ROOM, BucketKey.roomFiles(ROOM_ID).value());
  }

  // The factories take RoomId and SessionId, which refuse an identifier of the wrong shape themselves.
  @Test
  void anIdentifierOfTheWrongShapeOrKindIsRefused() {
    for (String bad : List.of("", "room", "join:", "join:short", "msg:" + ROOM, "room-msg:" + ROOM, "x:" + ROOM,
        "files:" + ROOM, "room-files:" + SESSION)) {
      assertThrows(IllegalArgumentException.class, () -> new BucketKey(bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> new BucketKey(null));
  }

  @Test
  void aKeyPrintsItsKindButNeverTheIdentifierInIt() {
    assertEquals("join", BucketKey.join(ROOM_ID).toString());
    assertFalse(BucketKey.join(ROOM_ID).toString().contains(ROOM));
    assertFalse(BucketKey.sessionMessages(SESSION_ID).toString().contains(SESSION));
    assertEquals("room-files", BucketKey.roomFiles(ROOM_ID).toString());
    assertFalse(BucketKey.sessionFiles(SESSION_ID).toString().contains(SESSION));
  }
}
