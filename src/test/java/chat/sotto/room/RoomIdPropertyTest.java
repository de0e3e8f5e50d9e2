package chat.sotto.room;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.common.Base64Url;
import chat.sotto.common.HostileJson;
import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.common.StrictJson;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Room identifiers from the REST edge (the path of join, close and history; the body of create) under bad input of
 * every shape: a valid room ID or a 400 refusal (413 for an oversized body), never another exception.
 */
class RoomIdPropertyTest {
  // RoomResource.create's limits: a body of at most 256 chars with the one member roomId.
  private static final int MAX_BODY_CHARS = 256;

  @Property(tries = 2000)
  void anyPathSegmentIsARoomIdOrABadRequest(@ForAll("pathSegments") String segment) {
    try {
      RoomId id = RoomId.parse(segment);
      assertEquals(segment, id.value());
      assertTrue(Base64Url.isExactly(id.value(), RoomId.BYTES));
    } catch (Refusal r) {
      assertEquals(Reason.BAD_REQUEST, r.reason());
    }
  }

  @Property(tries = 3000)
  void anyCreateRoomBodyIsARoomIdOrARefusal(@ForAll("createBodies") String body) {
    try {
      RoomId id = createRoomBody(body);
      assertTrue(Base64Url.isExactly(id.value(), RoomId.BYTES));
    } catch (Refusal r) {
      Reason expected = body.length() > MAX_BODY_CHARS ? Reason.TOO_LARGE : Reason.BAD_REQUEST;
      assertEquals(expected, r.reason(), () -> "for " + body);
    }
  }

  @Property(tries = 1000)
  void aValidCreateRoomBodyNamesTheRoomItCarries(@ForAll @Size(32) byte[] bytes) {
    String id = Base64Url.encode(bytes);
    RoomId parsed = createRoomBody("{\"roomId\":\"" + id + "\"}");
    assertEquals(new RoomId(id), parsed);
    assertArrayEquals(bytes, Base64Url.decode(parsed.value()));
  }

  // The parsing steps of RoomResource.create, without the service behind it.
  private static RoomId createRoomBody(String body) {
    return RoomId.parse(StrictJson.string(StrictJson.object(body, MAX_BODY_CHARS, Set.of("roomId")), "roomId"));
  }

  @Provide
  Arbitrary<String> pathSegments() {
    Arbitrary<String> valid = Arbitraries.bytes().array(byte[].class).ofSize(RoomId.BYTES).map(Base64Url::encode);
    return Arbitraries.oneOf(
        valid,
        valid.flatMap(v -> Arbitraries.randomValue(r -> new HostileJson(r).mutateText(v))),
        Arbitraries.strings().all().ofMaxLength(60),
        Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=").ofLength(43));
  }

  @Provide
  Arbitrary<String> createBodies() {
    return Arbitraries.randomValue(
        r -> {
          HostileJson h = new HostileJson(r);
          return switch (r.nextInt(3)) {
            case 0 -> h.text(300);
            case 1 -> h.randomObject();
            default -> h.mutate(HostileJson.members("roomId", HostileJson.quote(h.base64(RoomId.BYTES))));
          };
        });
  }
}
