package chat.sotto.common;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Bad input of every shape for parsers of client JSON: random text, hostile JSON values (huge and odd numbers, deep
 * nesting, lone surrogates, NUL, wrong types) and mutations of valid objects (members missing, duplicated, of the
 * wrong type, unknown; characters flipped, inserted or cut off). Driven by one {@link Random}, so that a seed
 * reproduces every input: property tests take theirs from jqwik, the live fuzz test prints its own.
 */
public final class HostileJson {
  private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final String[] SPECIAL_NUMBERS = {
    "0", "-0", "1", "-1", "1.0", "0.5", "1e0", "1E+2", "1e-400", "1e309", "1e999999999", "-1e999999999",
    "9007199254740991", "9007199254740992", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
    "01", "+1", ".5", "1.", "NaN", "Infinity", "-Infinity", "0x10", "1_000", "١٢", "1e", "--1"
  };
  private static final String[] INSERTS = {
    "\u0000", "\uD800", "\uDC00", "\uDBFF\uDFFF", "\uFFFF", "\uFEFF", "é", "😀", "\u2028", "\"", "\\", "{", "}", "[",
    "]", ",", ":", " ", "\n", "\t", "\\u0000", "\\ud800", "\\udfff", "\\u", "\\x", "1e999", "-", "0", "null",
    "true", "{}", "[]", "\"t\":", "//", "/*"
  };

  private final Random random;

  public HostileJson(Random random) {
    this.random = random;
  }

  /** {@code depth} nested arrays around a number: valid JSON that stresses recursive parsers. */
  public static String nestedArrays(int depth) {
    return "[".repeat(depth) + "1" + "]".repeat(depth);
  }

  /** {@code depth} nested objects. */
  public static String nestedObjects(int depth) {
    return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
  }

  /** A JSON integer of {@code digits} digits. */
  public static String longNumber(int digits) {
    return "9".repeat(digits);
  }

  /** A JSON string literal of {@code s}, escaped as JSON requires (lone surrogates stay as they are). */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '"' || ch == '\\') {
        b.append('\\').append(ch);
      } else if (ch < 0x20) {
        b.append(String.format("\\u%04x", (int) ch));
      } else {
        b.append(ch);
      }
    }
    return b.append('"').toString();
  }

  /** The JSON text of an object with these members in order; raw values, so duplicates and bad values survive. */
  public static String object(List<Map.Entry<String, String>> members) {
    StringBuilder b = new StringBuilder("{");
    for (Map.Entry<String, String> m : members) {
      b.append(b.length() == 1 ? "" : ",").append(quote(m.getKey())).append(':').append(m.getValue());
    }
    return b.append('}').toString();
  }

  /** Members of a valid object, from alternating names and raw JSON values. */
  public static Map<String, String> members(String... namesAndValues) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return out;
  }

  /** Unpadded base64url of {@code bytes} random bytes. */
  public String base64(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Random text up to {@code maxLength} chars: any UTF-16 unit (lone surrogates and NUL too), often JSON-ish. */
  public String text(int maxLength) {
    int n = random.nextInt(maxLength + 1);
    StringBuilder b = new StringBuilder(n);
    while (b.length() < n) {
      switch (random.nextInt(4)) {
        case 0 -> b.append((char) random.nextInt(Character.MAX_VALUE + 1));
        case 1 -> b.append((char) (0x20 + random.nextInt(0x5f)));
        case 2 -> b.append(INSERTS[random.nextInt(INSERTS.length)]);
        default -> b.append(BASE64URL.charAt(random.nextInt(BASE64URL.length())));
      }
    }
    return b.toString();
  }

  /** One hostile JSON value (raw text), nesting containers at most {@code depth} deep beside the deep ones. */
  public String value(int depth) {
    int kinds = depth > 0 ? 14 : 12;
    return switch (random.nextInt(kinds)) {
      case 0 -> quote(base64(random.nextInt(49)));
      case 1 -> quote(text(40));
      case 2 -> Integer.toString(random.nextInt(106) - 5);
      case 3 -> longNumber(19 + random.nextInt(1500));
      case 4 -> SPECIAL_NUMBERS[random.nextInt(SPECIAL_NUMBERS.length)];
      case 5 -> List.of("true", "false", "null").get(random.nextInt(3));
      case 6 -> nestedArrays(1 + random.nextInt(3000));
      case 7 -> nestedObjects(1 + random.nextInt(1500));
      case 8 -> List.of("\"\\ud800\"", "\"\\udc00x\"", "\"\\u0000\"", "\"\uD800\"", "\"\u0000\"", "\"a\nb\"")
          .get(random.nextInt(6));
      case 9 -> quote(base64(32));
      case 10 -> quote(base64(16));
      case 11 -> "\"\"";
      case 12 -> {
        List<String> items = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          items.add(value(depth - 1));
        }
        yield "[" + String.join(",", items) + "]";
      }
      default -> {
        List<Map.Entry<String, String>> m = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          m.add(Map.entry(name(), value(depth - 1)));
        }
        yield object(m);
      }
    };
  }

  /** A random JSON object whose members have protocol-like or random names and hostile values. */
  public String randomObject() {
    List<Map.Entry<String, String>> m = new ArrayList<>();
    for (int i = random.nextInt(6); i > 0; i--) {
      m.add(Map.entry(name(), value(2)));
    }
    return object(m);
  }

  /** A mutation of the valid object {@code valid}: one to three changes of its members, then maybe of its text. */
  public String mutate(Map<String, String> valid) {
    List<Map.Entry<String, String>> m = new ArrayList<>(valid.entrySet());
    for (int n = 1 + random.nextInt(3); n > 0; n--) {
      int i = m.isEmpty() ? 0 : random.nextInt(m.size());
      switch (random.nextInt(m.isEmpty() ? 1 : 5)) {
        case 0 -> m.add(random.nextInt(m.size() + 1), Map.entry(name(), value(2)));
        case 1 -> m.remove(i);
        case 2 -> m.add(random.nextInt(m.size() + 1), Map.entry(m.get(i).getKey(), random.nextBoolean() ? m.get(i).getValue() : value(1)));
        case 3 -> m.set(i, Map.entry(m.get(i).getKey(), value(2)));
        default -> m.set(i, Map.entry(m.get(i).getKey(), retype(m.get(i).getValue())));
      }
    }
    String text = object(m);
    return random.nextBoolean() ? text : mutateText(text);
  }

  /** One to four character-level changes: flips, insertions, deletions, a truncation. */
  public String mutateText(String text) {
    StringBuilder b = new StringBuilder(text);
    for (int n = 1 + random.nextInt(4); n > 0; n--) {
      int at = b.length() == 0 ? 0 : random.nextInt(b.length());
      switch (random.nextInt(5)) {
        case 0 -> {
          if (b.length() > 0) {
            b.setCharAt(at, (char) (b.charAt(at) ^ (1 << random.nextInt(16))));
          }
        }
        case 1 -> b.insert(at, INSERTS[random.nextInt(INSERTS.length)]);
        case 2 -> {
          if (b.length() > 0) {
            b.deleteCharAt(at);
          }
        }
        case 3 -> b.setLength(at);
        default -> b.insert(at, value(1));
      }
    }
    return b.toString();
  }

  // The same value in another JSON type: a string's content bare, a number quoted, anything wrapped in an array.
  private String retype(String value) {
    if (value.startsWith("\"")) {
      return random.nextBoolean() ? value.substring(1, value.length() - 1) : "[" + value + "]";
    }
    return random.nextBoolean() ? quote(value) : "{\"v\":" + value + "}";
  }

  private String name() {
    return switch (random.nextInt(3)) {
      case 0 -> List.of("t", "token", "since", "c", "iv", "ct", "to", "from", "seq", "roomId").get(random.nextInt(10));
      case 1 -> text(8);
      default -> List.of("", "T", "t ", "\u0000", "\uD800", "__proto__", "constructor").get(random.nextInt(7));
    };
  }
}
