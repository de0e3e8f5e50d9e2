package chat.sotto.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * StrictJson, the parser of REST bodies, under bad input of every shape: it returns an object of exactly the
 * expected members or refuses with 400 (413 above the size limit), never another exception.
 */
class StrictJsonPropertyTest {
  private static final Set<String> MEMBERS = Set.of("roomId", "c");

  @Property(tries = 2000)
  void anyTextIsAnObjectOfTheExpectedMembersOrARefusal(
      @ForAll("hostileBodies") String text, @ForAll @IntRange(min = 1, max = 100_000) int maxChars) {
    JsonObject obj;
    try {
      obj = StrictJson.object(text, maxChars, MEMBERS);
    } catch (Refusal r) {
      Reason expected = text.length() > maxChars ? Reason.TOO_LARGE : Reason.BAD_REQUEST;
      assertEquals(expected, r.reason(), () -> "for " + text);
      return;
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError(e.getClass().getName() + " escaped StrictJson for " + abbreviate(text), e);
    }
    assertTrue(text.length() <= maxChars);
    assertEquals(MEMBERS, obj.keySet());
    for (String name : MEMBERS) {
      try {
        StrictJson.string(obj, name);
      } catch (Refusal r) {
        assertEquals(Reason.BAD_REQUEST, r.reason());
      }
    }
  }

  @Property(tries = 1000)
  void aWellFormedObjectComesBackAsSent(@ForAll @Size(min = 1, max = 5) Map<String, String> members) {
    JsonObjectBuilder b = Json.createObjectBuilder();
    members.forEach(b::add);
    JsonObject sent = b.build();
    JsonObject parsed = StrictJson.object(sent.toString(), Integer.MAX_VALUE, members.keySet());
    assertEquals(sent, parsed);
    members.forEach((k, v) -> assertEquals(v, StrictJson.string(parsed, k)));
  }

  @Property(tries = 100)
  void deepNestingAndLongNumbersAreBadRequests(@ForAll @IntRange(min = 1, max = 20_000) int size) {
    for (String value : List.of(HostileJson.nestedArrays(size), HostileJson.nestedObjects(size), HostileJson.longNumber(size))) {
      String text = "{\"roomId\":" + value + ",\"c\":1}";
      try {
        JsonObject obj = StrictJson.object(text, Integer.MAX_VALUE, MEMBERS);
        assertEquals(Reason.BAD_REQUEST, assertRefused(() -> StrictJson.string(obj, "roomId")));
      } catch (Refusal r) {
        assertEquals(Reason.BAD_REQUEST, r.reason(), () -> "for " + abbreviate(text));
      }
    }
  }

  private static Reason assertRefused(Runnable r) {
    try {
      r.run();
    } catch (Refusal refusal) {
      return refusal.reason();
    }
    throw new AssertionError("not refused");
  }

  private static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "... (" + text.length() + " chars)" : text;
  }

  @Provide
  Arbitrary<String> hostileBodies() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(100),
        Arbitraries.randomValue(r -> new HostileJson(r).text(200)),
        Arbitraries.randomValue(r -> new HostileJson(r).randomObject()),
        Arbitraries.randomValue(
            r -> {
              HostileJson h = new HostileJson(r);
              return h.mutate(HostileJson.members("roomId", HostileJson.quote(h.base64(32)), "c", "1"));
            }));
  }
}
