package chat.sotto.bench;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The few frame shapes of docs/PROTOCOL.md the generator writes and reads. Reading is a field scan rather than a
 * JSON parse: server frames hold only numbers, fixed codes and base64url, so a quoted name is found unambiguously,
 * and the generator keeps its CPU for the load.
 */
final class Wire {
  private static final int VARIANTS = 64;

  private final String[] ivs = new String[VARIANTS];
  private final String[] cts = new String[VARIANTS];
  private final boolean floor;

  /**
   * Envelopes of {@code ctBytes} random ciphertext bytes (a fixed pool, drawn at random per message). For the floor
   * endpoint ({@code floor}), which relays a frame unchanged, the frame names its sender as Sotto's relay would.
   */
  Wire(int ctBytes, boolean floor) {
    this.floor = floor;
    SecureRandom random = new SecureRandom();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    for (int i = 0; i < VARIANTS; i++) {
      byte[] iv = new byte[12];
      byte[] ct = new byte[ctBytes];
      random.nextBytes(iv);
      random.nextBytes(ct);
      ivs[i] = b64.encodeToString(iv);
      cts[i] = b64.encodeToString(ct);
    }
  }

  /** Characters of base64url ciphertext per envelope. */
  int ciphertextChars() {
    return cts[0].length();
  }

  String chat(String from, long counter) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String ct = cts[r.nextInt(VARIANTS)];
    StringBuilder b = new StringBuilder(ct.length() + 96).append("{\"t\":\"msg\",");
    if (floor) {
      b.append("\"from\":\"").append(from).append("\",\"seq\":").append(counter).append(',');
    }
    return b.append("\"c\":")
        .append(counter)
        .append(",\"iv\":\"")
        .append(ivs[r.nextInt(VARIANTS)])
        .append("\",\"ct\":\"")
        .append(ct)
        .append("\"}")
        .toString();
  }

  static String auth(String token) {
    return auth(token, 0);
  }

  static String auth(String token, long since) {
    return "{\"t\":\"auth\",\"token\":\"" + token + "\",\"since\":" + since + "}";
  }

  static final String PING = "{\"t\":\"ping\"}";

  /** The frame's type: every server frame starts with {@code {"t":"...}. */
  static String type(String frame) {
    if (!frame.startsWith("{\"t\":\"")) {
      return "";
    }
    int end = frame.indexOf('"', 6);
    return end < 0 ? "" : frame.substring(6, end);
  }

  /** A string member's value, or null. */
  static String string(String frame, String name) {
    String key = "\"" + name + "\":\"";
    int at = frame.indexOf(key);
    if (at < 0) {
      return null;
    }
    int start = at + key.length();
    int end = frame.indexOf('"', start);
    return end < 0 ? null : frame.substring(start, end);
  }

  /** A non-negative integer member's value, or -1. */
  static long number(String frame, String name) {
    String key = "\"" + name + "\":";
    int at = frame.indexOf(key);
    if (at < 0) {
      return -1;
    }
    long v = 0;
    int i = at + key.length();
    int digits = 0;
    for (; i < frame.length(); i++) {
      char ch = frame.charAt(i);
      if (ch < '0' || ch > '9') {
        break;
      }
      v = v * 10 + (ch - '0');
      digits++;
    }
    return digits == 0 ? -1 : v;
  }

  /** Number of entries of a string array member ({@code "online":[...]}), or -1. */
  static int arrayLength(String frame, String name) {
    String key = "\"" + name + "\":[";
    int at = frame.indexOf(key);
    if (at < 0) {
      return -1;
    }
    int quotes = 0;
    for (int i = at + key.length(); i < frame.length(); i++) {
      char ch = frame.charAt(i);
      if (ch == ']') {
        return quotes / 2;
      }
      if (ch == '"') {
        quotes++;
      }
    }
    return -1;
  }
}
