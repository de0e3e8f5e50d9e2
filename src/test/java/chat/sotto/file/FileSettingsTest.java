package chat.sotto.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.limits.Limit;
import org.junit.jupiter.api.Test;

/** The file limits as configured, and what they admit. */
class FileSettingsTest {
  private static final int MAX = FileShape.MAX_CHUNK_BYTES;

  @Test
  void theDefaultsAdmitTwentyFiveMebibytesInTwentyFiveChunks() {
    FileSettings s = settings(26_214_400, 104_857_600);
    assertEquals(25, s.maxChunks());
    s.admit(new FileShape(25, 25L * MAX));
    s.admit(new FileShape(1, 16));
    assertEquals(Reason.FILE_TOO_LARGE, refused(s, new FileShape(26, 25L * MAX + 16)).reason());
    assertEquals(
        Reason.FILE_TOO_LARGE,
        refused(settings(26_214_399, 104_857_600), new FileShape(25, 25L * MAX)).reason(),
        "one byte more than the maximum");
    assertEquals(Limit.perMinute(10, 10), s.perSession());
    assertEquals(Limit.perMinute(30, 30), s.perRoom());
    assertEquals(600_000, s.incompleteMillis());
    assertEquals(104_857_600, s.roomBytes());
  }

  @Test
  void aMaximumBetweenChunkSizesAllowsTheChunksItNeeds() {
    FileSettings s = settings(1_048_577, 104_857_600);
    assertEquals(2, s.maxChunks());
    s.admit(new FileShape(2, MAX + 17));
    assertEquals(Reason.FILE_TOO_LARGE, refused(s, new FileShape(2, MAX + 18)).reason());
    assertEquals(1, settings(0, 104_857_600).maxChunks(), "only empty files: one empty chunk");
  }

  @Test
  void aRoomAlwaysHoldsTheLargestFileOnItsOwn() {
    assertEquals(25L * MAX, settings(26_214_400, 1_000).roomBytes());
  }

  private static Refusal refused(FileSettings s, FileShape shape) {
    return assertThrows(Refusal.class, () -> s.admit(shape));
  }

  private static FileSettings settings(long maxBytes, long roomBytes) {
    FileSettings s = new FileSettings();
    s.maxBytes = maxBytes;
    s.roomBytes = roomBytes;
    s.perSessionPerMinute = 10;
    s.perRoomPerMinute = 30;
    s.incompleteMinutes = 10;
    return s;
  }
}
