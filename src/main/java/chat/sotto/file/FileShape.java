package chat.sotto.file;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.common.StrictJson;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.Set;

/**
 * What an uploader declares before the first chunk: how many chunks and how many ciphertext bytes in all. Each chunk
 * is AES-GCM output of at most {@link #CHUNK_BYTES} plaintext bytes, so it holds between {@link #TAG_BYTES} and
 * {@link #MAX_CHUNK_BYTES} bytes; a shape whose bytes no such chunks can add up to cannot be built.
 */
public record FileShape(int chunks, long bytes) {
  /** Plaintext bytes per chunk (the last one may hold fewer). */
  public static final int CHUNK_BYTES = 1_048_576;

  /** The AES-GCM tag each chunk's ciphertext carries. */
  public static final int TAG_BYTES = 16;

  /** The largest chunk body: a full chunk's ciphertext. */
  public static final int MAX_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES;

  public FileShape {
    if (chunks < 1 || !fits(chunks, bytes)) {
      throw new IllegalArgumentException("no chunks add up to these bytes");
    }
  }

  /** Parses {@code {"chunks": n, "bytes": b}}, refusing anything else (or an impossible shape) with 400. */
  public static FileShape parse(String json) {
    JsonObject request = StrictJson.object(json, 128, Set.of("chunks", "bytes"));
    long chunks = integer(request.get("chunks"));
    long bytes = integer(request.get("bytes"));
    if (chunks < 1 || chunks > Integer.MAX_VALUE || !fits(chunks, bytes)) {
      throw new Refusal(Reason.BAD_REQUEST);
    }
    return new FileShape((int) chunks, bytes);
  }

  /** True when {@code chunks} chunks (0 or more) can hold exactly {@code bytes} bytes of ciphertext. */
  public static boolean fits(long chunks, long bytes) {
    return bytes >= TAG_BYTES * chunks && bytes <= MAX_CHUNK_BYTES * chunks;
  }

  /** The file's size before encryption. */
  public long plaintextBytes() {
    return bytes - (long) TAG_BYTES * chunks;
  }

  private static long integer(JsonValue value) {
    if (!(value instanceof JsonNumber n) || !n.isIntegral()) {
      throw new Refusal(Reason.BAD_REQUEST);
    }
    try {
      return n.longValueExact();
    } catch (ArithmeticException e) {
      throw new Refusal(Reason.BAD_REQUEST);
    }
  }
}
