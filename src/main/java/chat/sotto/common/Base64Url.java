package chat.sotto.common;

import java.security.SecureRandom;
import java.util.Base64;

/** Unpadded base64url, the encoding of every identifier and byte string on the wire. */
public final class Base64Url {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private Base64Url() {}

  public static String encode(byte[] bytes) {
    return ENCODER.encodeToString(bytes);
  }

  /** Fresh random bytes from the server's SecureRandom, encoded. */
  public static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return encode(b);
  }

  /** Length in characters of the unpadded encoding of {@code bytes} bytes. */
  public static int encodedLength(int bytes) {
    return (bytes * 8 + 5) / 6;
  }

  /** Decoded size of a canonical unpadded string, or -1 if it is not canonical base64url. */
  public static int decodedLength(String s) {
    if (s == null) {
      return -1;
    }
    int n = s.length();
    if (n % 4 == 1) {
      return -1;
    }
    for (int i = 0; i < n; i++) {
      char ch = s.charAt(i);
      boolean ok =
          (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
      if (!ok) {
        return -1;
      }
    }
    int bytes = n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1);
    if (n % 4 != 0 && !lastCharCanonical(s.charAt(n - 1), n % 4)) {
      return -1;
    }
    return bytes;
  }

  /** True if {@code s} is the canonical unpadded encoding of exactly {@code bytes} bytes. */
  public static boolean isExactly(String s, int bytes) {
    return s != null && s.length() == encodedLength(bytes) && decodedLength(s) == bytes;
  }

  public static byte[] decode(String s) {
    return DECODER.decode(s);
  }

  // The unused low bits of the last character must be zero, so that each value has exactly one spelling.
  private static boolean lastCharCanonical(char ch, int remainder) {
    int v = sextet(ch);
    int unusedBits = remainder == 2 ? 4 : 2;
    return (v & ((1 << unusedBits) - 1)) == 0;
  }

  private static int sextet(char ch) {
    if (ch >= 'A' && ch <= 'Z') {
      return ch - 'A';
    }
    if (ch >= 'a' && ch <= 'z') {
      return ch - 'a' + 26;
    }
    if (ch >= '0' && ch <= '9') {
      return ch - '0' + 52;
    }
    return ch == '-' ? 62 : 63;
  }
}
