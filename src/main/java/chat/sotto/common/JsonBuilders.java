package chat.sotto.common;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;
import java.util.Map;

/**
 * Builders for response bodies from one factory. {@code Json.createObjectBuilder()} looks its provider up through the
 * service loader on every call: on the join path that look-up cost about 4 % of the server's CPU.
 */
public final class JsonBuilders {
  private static final JsonBuilderFactory FACTORY = Json.createBuilderFactory(Map.of());

  private JsonBuilders() {}

  public static JsonObjectBuilder object() {
    return FACTORY.createObjectBuilder();
  }

  public static JsonArrayBuilder array() {
    return FACTORY.createArrayBuilder();
  }
}
