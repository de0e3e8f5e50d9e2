package chat.sotto.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** File identifiers, chunk indexes and declared shapes refuse every value that is not one. */
class FileValuesTest {
  private static final int MAX = FileShape.MAX_CHUNK_BYTES;

  @Test
  void aFileIdIsTwentyTwoCanonicalBase64urlCharactersOfRandomBits() {
    FileId a = FileId.random();
    assertEquals(22, a.value().length());
    assertTrue(a.value().matches("[A-Za-z0-9_-]{22}"));
    assertNotEquals(a, FileId.random());
    assertEquals(a, FileId.parse(a.value()));
  }

  @Test
  void anythingElseIsRefusedAsABadRequest() {
    // 21 and 23 characters, a padding character, a non-canonical last character (its low bits are not zero), a room ID
    for (String bad :
        List.of("", "A".repeat(21), "A".repeat(23), "A".repeat(21) + "=", "A".repeat(21) + "B", "A".repeat(43), "../x")) {
      assertEquals(Reason.BAD_REQUEST, assertThrows(Refusal.class, () -> FileId.parse(bad), bad).reason());
      assertThrows(IllegalArgumentException.class, () -> new FileId(bad), bad);
    }
    assertEquals(Reason.BAD_REQUEST, assertThrows(Refusal.class, () -> FileId.parse(null)).reason());
  }

  @Test
  void aChunkIndexIsPlainDecimalDigits() {
    assertEquals(0, ChunkIndex.parse("0").value());
    assertEquals(24, ChunkIndex.parse("24").value());
    assertEquals(999_999_999, ChunkIndex.parse("999999999").value());
    for (String bad : List.of("", "-1", "+1", " 1", "1 ", "0x1", "1.0", "1e3", "9999999999", "٣")) {
      assertEquals(Reason.BAD_REQUEST, assertThrows(Refusal.class, () -> ChunkIndex.parse(bad), bad).reason());
    }
    assertThrows(IllegalArgumentException.class, () -> new ChunkIndex(-1));
  }

  @Test
  void aShapeIsParsedFromExactlyChunksAndBytes() {
    assertEquals(new FileShape(3, 2L * MAX + 16), FileShape.parse("{\"chunks\":3,\"bytes\":" + (2L * MAX + 16) + "}"));
    assertEquals(new FileShape(1, 16), FileShape.parse("{\"bytes\":16,\"chunks\":1}"));
    assertEquals(0, new FileShape(1, 16).plaintextBytes(), "an empty file is one empty chunk");
    assertEquals(26_214_400, new FileShape(25, 25L * MAX).plaintextBytes());
  }

  @Test
  void aShapeNoChunksCanAddUpToIsRefused() {
    for (String bad :
        List.of(
            "{\"chunks\":0,\"bytes\":0}",
            "{\"chunks\":-1,\"bytes\":16}",
            "{\"chunks\":2,\"bytes\":31}", // less than two tags
            "{\"chunks\":1,\"bytes\":" + (MAX + 1) + "}", // more than one full chunk
            "{\"chunks\":1.5,\"bytes\":100}",
            "{\"chunks\":\"1\",\"bytes\":100}",
            "{\"chunks\":1,\"bytes\":100,\"name\":\"x\"}",
            "{\"chunks\":1}",
            "{\"chunks\":99999999999999999999,\"bytes\":100}",
            "{\"chunks\":3000000000,\"bytes\":48000000000}",
            "[1,100]",
            "not json")) {
      assertEquals(Reason.BAD_REQUEST, assertThrows(Refusal.class, () -> FileShape.parse(bad), bad).reason());
    }
    assertThrows(IllegalArgumentException.class, () -> new FileShape(2, 31));
    assertThrows(IllegalArgumentException.class, () -> new FileShape(0, 0));
  }

  @Test
  void aStoredFileTakesOnlyChunksAfterWhichTheDeclaredTotalCanStillBeMetExactly() {
    StoredFile empty = file(new FileShape(3, 2L * MAX + 100), 0, 0);
    assertTrue(empty.canTake(MAX));
    assertTrue(empty.canTake(100), "a short chunk first is fine while the others can still hold the rest");
    assertEquals(false, empty.canTake(15), "below one tag");
    assertEquals(false, empty.canTake(MAX + 1));
    StoredFile lastMissing = file(new FileShape(3, 2L * MAX + 100), 2, 2L * MAX);
    assertTrue(lastMissing.lastMissing());
    assertTrue(lastMissing.canTake(100), "the last chunk makes the total exact");
    assertEquals(false, lastMissing.canTake(99));
    assertEquals(false, lastMissing.canTake(101));
  }

  private static StoredFile file(FileShape shape, int storedChunks, long storedBytes) {
    return new StoredFile(FileId.random(), null, null, shape, storedChunks, storedBytes, false, 0);
  }
}
