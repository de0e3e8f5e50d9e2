package chat.sotto.browser;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Something that must never leave the browser readable, with the spellings in which it could leak: as text in any
 * case, and base64, base64url or hex encoded (an "encrypted" value that is only encoded is still readable).
 */
record Secret(String name, List<String> caseless, List<String> exact) {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";

  /** A fresh word nobody else would write: the prefix, then 14 random letters. */
  static String word(String prefix) {
    StringBuilder b = new StringBuilder(prefix);
    for (int i = 0; i < 14; i++) {
      b.append(LETTERS.charAt(RANDOM.nextInt(LETTERS.length())));
    }
    return b.toString();
  }

  /** A text a person typed (message, nickname). */
  static Secret text(String name, String value) {
    List<String> exact = new ArrayList<>();
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    for (int offset = 0; offset < 3; offset++) {
      exact.add(base64Inner(Base64.getEncoder(), utf8, offset));
      exact.add(base64Inner(Base64.getUrlEncoder(), utf8, offset));
    }
    return new Secret(name, List.of(value.toLowerCase(Locale.ROOT)), List.copyOf(exact));
  }

  /** The room code: with and without dashes in any case, and its 16 bytes encoded. */
  static Secret roomCode(RoomCode code) {
    return new Secret(
        "room code " + code.formatted(),
        List.of(code.formatted().toLowerCase(Locale.ROOT), code.compact().toLowerCase(Locale.ROOT),
            HexFormat.of().formatHex(code.bytes())),
        List.of(Base64.getEncoder().withoutPadding().encodeToString(code.bytes()),
            Base64.getUrlEncoder().withoutPadding().encodeToString(code.bytes())));
  }

  /**
   * The base64 characters that depend only on the value when it starts {@code offset} bytes into an encoded
   * buffer: the characters shared with neighbouring bytes at either end are dropped.
   */
  private static String base64Inner(Base64.Encoder encoder, byte[] value, int offset) {
    byte[] shifted = new byte[offset + value.length];
    System.arraycopy(value, 0, shifted, offset, value.length);
    String encoded = encoder.withoutPadding().encodeToString(shifted);
    int skip = (offset * 8 + 5) / 6;
    return encoded.substring(skip, encoded.length() - 1);
  }

  boolean foundIn(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    return caseless.stream().anyMatch(lower::contains) || exact.stream().anyMatch(text::contains);
  }

  @Override
  public String toString() {
    return name;
  }
}
