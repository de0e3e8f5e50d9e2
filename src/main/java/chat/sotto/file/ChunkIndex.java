package chat.sotto.file;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;

/** The 0-based position of a chunk in its file. Whether the file has that many chunks is the store's question. */
public record ChunkIndex(int value) {
  public ChunkIndex {
    if (value < 0) {
      throw new IllegalArgumentException("a chunk index is not negative");
    }
  }

  /** Parses a path segment of decimal digits (no sign, no spaces), refusing anything else with 400. */
  public static ChunkIndex parse(String text) {
    if (text == null || text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new Refusal(Reason.BAD_REQUEST);
    }
    return new ChunkIndex(Integer.parseInt(text));
  }
}
