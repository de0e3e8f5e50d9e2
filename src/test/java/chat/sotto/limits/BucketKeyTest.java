package chat.sotto.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Bucket keys keep the spelling of the rows already stored, and nothing else can be built. */
class BucketKeyTest {
  private static final String ROOM = "r".repeat(42) + "A";
  private static final String SESSION = "s".repeat(21) + "A";

  @Test
  void everyKindIsSpelledAsTheStoredRowsAre() {
    assertEquals("rooms", BucketKey.rooms().value());
    assertEquals("sessions", BucketKey.sessions().value());
    assertEquals("join:" + ROOM, BucketKey.join(ROOM).value());
    assertEquals("room-msg:" + ROOM, BucketKey.roomMessages(ROOM).value());
    assertEquals("msg:" + SESSION, BucketKey.sessionMessages(SESSION).value());
  }

  @Test
  void anIdentifierOfTheWrongShapeOrKindIsRefused() {
    for (String bad : List.of("", "room", "join:", "join:short", "msg:" + ROOM, "room-msg:" + SESSION, "x:" + ROOM)) {
      assertThrows(IllegalArgumentException.class, () -> new BucketKey(bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> new BucketKey(null));
    assertThrows(IllegalArgumentException.class, () -> BucketKey.join(ROOM + "!"));
    assertThrows(IllegalArgumentException.class, () -> BucketKey.sessionMessages(null));
  }

  @Test
  void aKeyPrintsItsKindButNeverTheIdentifierInIt() {
    assertEquals("room-msg", BucketKey.roomMessages(ROOM).toString());
    assertFalse(BucketKey.sessionMessages(SESSION).toString().contains(SESSION));
  }
}
