package chat.sotto.relay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.message.Envelope;
import chat.sotto.message.MessageSettings;
import chat.sotto.message.StoredMessages;
import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The relay's error and close codes are the ones docs/PROTOCOL.md names, and its frame size bound holds. */
class WireCodesTest {
  private static String protocol() throws IOException {
    return Files.readString(Path.of("docs/PROTOCOL.md"));
  }

  @Test
  void everyErrorCodeIsDocumentedAndItsMessageNeedsNoEscaping() throws IOException {
    String doc = protocol();
    for (ErrorCode e : ErrorCode.values()) {
      assertTrue(doc.contains("`" + e.code() + "`"), e + " is missing from PROTOCOL.md");
      assertFalse(e.message().matches(".*[\"\\\\\\p{Cntrl}].*"), e + "'s message would need escaping");
    }
  }

  @Test
  void everyCloseCodeIsDocumented() throws IOException {
    String doc = protocol();
    for (CloseCode c : CloseCode.values()) {
      assertTrue(doc.contains(Integer.toString(c.code())), c + " is missing from PROTOCOL.md");
      assertTrue(doc.contains(c.reason().getReasonPhrase()), c + "'s phrase is missing from PROTOCOL.md");
    }
  }

  @Test
  void theLongestChatFrameFitsTheSizeTheReplayPlansWith() {
    RoomId longestId = new RoomId("A".repeat(43));
    Envelope e =
        new Envelope(
            Envelope.MAX_COUNTER,
            "A".repeat(16),
            "A".repeat((MessageSettings.MAX_CIPHERTEXT_BYTES * 4 + 2) / 3));
    String frame =
        Frames.message(StoredMessages.of(longestId, Long.MAX_VALUE, SessionId.random(), e, Long.MAX_VALUE));
    assertTrue(
        frame.length() <= Frames.MAX_MESSAGE_FRAME_CHARS, frame.length() + " > " + Frames.MAX_MESSAGE_FRAME_CHARS);
  }
}
