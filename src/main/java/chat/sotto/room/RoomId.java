package chat.sotto.room;

import chat.sotto.common.Base64Url;
import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;

/** A room's identifier: 256 bits derived in the browser from the room code, base64url. Reveals nothing of the key. */
public record RoomId(String value) {
  public static final int BYTES = 32;

  public RoomId {
    if (!Base64Url.isExactly(value, BYTES)) {
      throw new IllegalArgumentException("not a room id");
    }
  }

  /** Parses client input, refusing it with 400 when it is not a room identifier. */
  public static RoomId parse(String value) {
    if (!Base64Url.isExactly(value, BYTES)) {
      throw new Refusal(Reason.BAD_REQUEST);
    }
    return new RoomId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
