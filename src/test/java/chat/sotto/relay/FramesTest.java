package chat.sotto.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.room.RoomAccess;
import chat.sotto.room.RoomId;
import chat.sotto.session.Participant;
import chat.sotto.session.SessionId;
import chat.sotto.session.SessionToken;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Strict decoding of client frames: only the documented shapes get through. */
class FramesTest {
  private static final String TOKEN = "A".repeat(43);
  private static final String IV = "AAAAAAAAAAAAAAAA";

  private static String ct(int bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[bytes]);
  }

  @Test
  void validFramesDecodeToTheirTypes() {
    Inbound.Auth auth = (Inbound.Auth) Frames.decode("{\"t\":\"auth\",\"token\":\"" + TOKEN + "\",\"since\":12}");
    assertEquals(12, auth.since());
    Inbound.Chat chat = (Inbound.Chat) Frames.decode("{\"t\":\"msg\",\"c\":3,\"iv\":\"" + IV + "\",\"ct\":\"" + ct(40) + "\"}");
    assertEquals(3, chat.envelope().counter());
    assertEquals(40, chat.envelope().ciphertextBytes());
    assertInstanceOf(Inbound.Profile.class, Frames.decode("{\"t\":\"profile\",\"c\":1,\"iv\":\"" + IV + "\",\"ct\":\"" + ct(30) + "\"}"));
    assertInstanceOf(Inbound.Knock.class, Frames.decode("{\"t\":\"knock\",\"c\":2,\"iv\":\"" + IV + "\",\"ct\":\"" + ct(30) + "\"}"));
    assertInstanceOf(Inbound.Typing.class, Frames.decode("{\"t\":\"typing\"}"));
    assertInstanceOf(Inbound.Ping.class, Frames.decode("{\"t\":\"ping\"}"));
  }

  @Test
  void aKnockAboveTheProfileLimitIsTooLarge() {
    FrameError e =
        assertThrows(
            FrameError.class,
            () -> Frames.decode("{\"t\":\"knock\",\"c\":2,\"iv\":\"" + IV + "\",\"ct\":\"" + ct(1_025) + "\"}"));
    assertEquals("too_large", e.code());
  }

  @Test
  void onlyTheOwnersWelcomeListsKnocksAndNoProfilesListAKnockingSession() {
    RoomId room = new RoomId("C".repeat(42) + "A");
    Participant owner = new Participant(SessionId.random(), room, SessionToken.random(), true, true, 1);
    Participant member = new Participant(SessionId.random(), room, SessionToken.random(), false, true, 2);
    Participant knocking = new Participant(SessionId.random(), room, SessionToken.random(), false, false, 3);
    List<Participant> all = List.of(owner, member, knocking);
    RoomAccess access = new RoomAccess(false, true, false);
    JsonObject ownerWelcome = json(Frames.welcome(owner, 0, owner.id(), access, 0, 1, all));
    JsonObject memberWelcome = json(Frames.welcome(member, 0, owner.id(), access, 0, 1, all));
    assertTrue(ownerWelcome.getBoolean("knock"));
    assertFalse(ownerWelcome.getBoolean("locked"));
    assertFalse(memberWelcome.getBoolean("sealed"));
    assertEquals(0, ownerWelcome.getJsonArray("knocks").size(), "no knock stored yet");
    assertFalse(memberWelcome.containsKey("knocks"));
    assertEquals(
        "{\"t\":\"room\",\"locked\":true,\"knock\":true,\"sealed\":true}",
        Frames.room(new RoomAccess(true, true, true)));
    assertEquals(
        "{\"t\":\"left\",\"from\":\"" + member.id() + "\",\"removed\":true}", Frames.removed(member.id()));
  }

  private static JsonObject json(String text) {
    try (JsonReader r = Json.createReader(new StringReader(text))) {
      return r.readObject();
    }
  }

  @Test
  void malformedFramesAreBadFrames() {
    List<String> bad =
        List.of(
            "",
            "nope",
            "null",
            "[]",
            "\"msg\"",
            "{}",
            "{\"t\":1}",
            "{\"t\":\"auth\",\"token\":\"short\",\"since\":0}",
            "{\"t\":\"auth\",\"token\":\"" + TOKEN + "\",\"since\":-1}",
            "{\"t\":\"auth\",\"token\":\"" + TOKEN + "\",\"since\":\"0\"}",
            "{\"t\":\"auth\",\"token\":\"" + TOKEN + "\"}",
            "{\"t\":\"msg\",\"c\":0,\"iv\":\"" + IV + "\",\"ct\":\"" + ct(40) + "\"}",
            "{\"t\":\"msg\",\"c\":9007199254740992,\"iv\":\"" + IV + "\",\"ct\":\"" + ct(40) + "\"}",
            "{\"t\":\"msg\",\"c\":1,\"iv\":\"AAAA\",\"ct\":\"" + ct(40) + "\"}",
            "{\"t\":\"msg\",\"c\":1,\"iv\":\"" + IV + "\",\"ct\":\"" + ct(8) + "\"}",
            "{\"t\":\"msg\",\"c\":1,\"iv\":\"" + IV + "\",\"ct\":\"a+b/\"}",
            "{\"t\":\"msg\",\"c\":1,\"iv\":\"" + IV + "\",\"ct\":\"" + ct(40) + "\",\"from\":\"x\"}",
            "{\"t\":\"ping\",\"x\":1}");
    for (String frame : bad) {
      FrameError e = assertThrows(FrameError.class, () -> Frames.decode(frame), frame);
      assertEquals("bad_frame", e.code(), frame);
    }
  }

  @Test
  void unknownTypesAndOversizedCiphertextsHaveTheirOwnCodes() {
    assertEquals("unknown_type", assertThrows(FrameError.class, () -> Frames.decode("{\"t\":\"admin\"}")).code());
    String big = "{\"t\":\"msg\",\"c\":1,\"iv\":\"" + IV + "\",\"ct\":\"" + ct(16_385) + "\"}";
    assertEquals("too_large", assertThrows(FrameError.class, () -> Frames.decode(big)).code());
    String bigProfile = "{\"t\":\"profile\",\"c\":1,\"iv\":\"" + IV + "\",\"ct\":\"" + ct(1_100) + "\"}";
    assertEquals("too_large", assertThrows(FrameError.class, () -> Frames.decode(bigProfile)).code());
  }

  @Test
  void presenceAndErrorFramesAreValidJson() {
    SessionId a = new SessionId("a".repeat(21) + "A");
    SessionId b = new SessionId("b".repeat(21) + "A");
    assertEquals(
        "{\"t\":\"presence\",\"online\":[\"" + a.value() + "\",\"" + b.value() + "\"]}",
        Frames.presence(List.of(a, b)));
    assertEquals("{\"t\":\"ack\",\"c\":4,\"seq\":9}", Frames.ack(4, 9));
    assertEquals(
        "{\"t\":\"error\",\"code\":\"rate_limited\",\"message\":\"Too many frames; slow down.\",\"c\":3,"
            + "\"retryAfterMs\":200}",
        Frames.envelopeError(ErrorCode.RATE_LIMITED, 3, 200));
  }

  @Test
  void theDefaultOriginPolicyIsTheServersOwnOrigin() {
    assertEquals(true, OriginFilter.allowed("http://localhost:9080", "localhost:9080", List.of()));
    assertEquals(true, OriginFilter.allowed("https://chat.example", "chat.example", List.of()));
    assertEquals(true, OriginFilter.allowed("https://chat.example", "chat.example:443", List.of()));
    assertEquals(false, OriginFilter.allowed("https://evil.example", "chat.example", List.of()));
    assertEquals(false, OriginFilter.allowed("http://localhost:9999", "localhost:9080", List.of()));
    assertEquals(false, OriginFilter.allowed("null", "localhost:9080", List.of()));
    assertEquals(true, OriginFilter.allowed("https://a.example", "b.example", List.of("https://a.example")));
    assertEquals(false, OriginFilter.allowed("https://b.example", "b.example", List.of("https://a.example")));
  }
}
