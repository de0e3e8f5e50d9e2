package chat.sotto.common;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.Map;
import java.util.Set;

/** Parses small JSON objects whose shape is fixed: unknown or missing members are refused with 400. */
public final class StrictJson {
  private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

  private StrictJson() {}

  /** Parses {@code text} as one JSON object of at most {@code maxChars} with exactly the {@code members} given. */
  public static JsonObject object(String text, int maxChars, Set<String> members) {
    JsonObject obj = parse(text, maxChars);
    if (!obj.keySet().equals(members)) {
      throw new Refusal(Reason.BAD_REQUEST);
    }
    return obj;
  }

  /**
   * Parses {@code text} as one JSON object of at most {@code maxChars} with at least one of the optional {@code
   * members} and nothing else (a partial update).
   */
  public static JsonObject someOf(String text, int maxChars, Set<String> members) {
    JsonObject obj = parse(text, maxChars);
    if (obj.isEmpty() || !members.containsAll(obj.keySet())) {
      throw new Refusal(Reason.BAD_REQUEST);
    }
    return obj;
  }

  private static JsonObject parse(String text, int maxChars) {
    if (text == null || text.isEmpty()) {
      throw new Refusal(Reason.BAD_REQUEST);
    }
    if (text.length() > maxChars) {
      throw new Refusal(Reason.TOO_LARGE);
    }
    JsonValue value;
    try (JsonReader reader = READERS.createReader(new StringReader(text))) {
      value = reader.readValue();
    } catch (RuntimeException e) {
      // Not only JsonException: the parser enforces its limits (nesting deeper than 1,000, numbers longer than
      // 1,100 chars) with a plain RuntimeException or UnsupportedOperationException. The reader holds nothing but
      // the client's text, so whatever it throws is bad input.
      throw new Refusal(Reason.BAD_REQUEST);
    }
    if (value.getValueType() != JsonValue.ValueType.OBJECT) {
      throw new Refusal(Reason.BAD_REQUEST);
    }
    return value.asJsonObject();
  }

  /** An optional boolean member: null when absent, a 400 refusal when it is another type. */
  public static Boolean optionalBoolean(JsonObject obj, String name) {
    JsonValue v = obj.get(name);
    if (v == null) {
      return null;
    }
    if (v.getValueType() == JsonValue.ValueType.TRUE || v.getValueType() == JsonValue.ValueType.FALSE) {
      return v.getValueType() == JsonValue.ValueType.TRUE;
    }
    throw new Refusal(Reason.BAD_REQUEST);
  }

  /** A string member, or a 400 refusal when it is another type. */
  public static String string(JsonObject obj, String name) {
    JsonValue v = obj.get(name);
    if (!(v instanceof JsonString s)) {
      throw new Refusal(Reason.BAD_REQUEST);
    }
    return s.getString();
  }
}
