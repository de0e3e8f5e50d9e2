package chat.sotto.browser;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A room code as a person reads it off the page, and what docs/PROTOCOL.md derives from it. */
record RoomCode(String formatted, byte[] bytes) {
  private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  /** Parses "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XX" (Crockford base32 of 16 bytes). */
  static RoomCode parse(String formatted) {
    String chars = formatted.replace("-", "").toUpperCase(Locale.ROOT);
    if (chars.length() != 26) {
      throw new AssertionError("a room code has 26 characters: " + formatted);
    }
    byte[] bytes = new byte[16];
    int acc = 0;
    int bits = 0;
    int out = 0;
    for (char ch : chars.toCharArray()) {
      int value = ALPHABET.indexOf(ch);
      if (value < 0) {
        throw new AssertionError("not a Crockford base32 character: " + ch);
      }
      acc = (acc << 5) | value;
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        bytes[out++] = (byte) (acc >> bits);
        acc &= (1 << bits) - 1;
      }
    }
    return new RoomCode(formatted, bytes);
  }

  /** The code as typed without the dashes. */
  String compact() {
    return formatted.replace("-", "");
  }

  /** The room ID the server knows the room by: HKDF-SHA256(code bytes, empty salt, "sotto/v1/room-id"), 32 bytes. */
  String roomId() {
    try {
      Mac extract = Mac.getInstance("HmacSHA256");
      extract.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
      byte[] prk = extract.doFinal(bytes);
      Mac expand = Mac.getInstance("HmacSHA256");
      expand.init(new SecretKeySpec(prk, "HmacSHA256"));
      expand.update("sotto/v1/room-id".getBytes(StandardCharsets.UTF_8));
      expand.update((byte) 1);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(expand.doFinal());
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
