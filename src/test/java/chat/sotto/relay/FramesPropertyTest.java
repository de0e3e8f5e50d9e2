package chat.sotto.relay;

import static chat.sotto.common.HostileJson.quote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.common.Base64Url;
import chat.sotto.common.HostileJson;
import chat.sotto.message.Envelope;
import chat.sotto.message.MessageSettings;
import chat.sotto.session.SessionId;
import chat.sotto.session.SessionToken;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The frame decoder under bad input of every shape: whatever a client sends, it answers with a valid frame or a
 * {@link FrameError} of a documented code (docs/PROTOCOL.md), never another exception; valid frames decode to exactly
 * what was sent.
 */
class FramesPropertyTest {
  /** The error codes the decoder may answer with: the part of docs/PROTOCOL.md's list that is about frame shape. */
  private static final Set<String> DECODER_CODES = Set.of("bad_frame", "unknown_type", "too_large");

  /** Every error code docs/PROTOCOL.md documents. */
  private static final Set<String> DOCUMENTED_CODES =
      Set.of("bad_frame", "unknown_type", "too_large", "rate_limited", "not_in_room", "unavailable");

  @Property(tries = 2000)
  void anyTextIsAValidFrameOrADocumentedError(@ForAll("randomText") String text) {
    decodeOrDocumentedError(text);
  }

  @Property(tries = 2000)
  void randomJsonObjectsAreValidFramesOrDocumentedErrors(@ForAll("randomObjects") String text) {
    decodeOrDocumentedError(text);
  }

  @Property(tries = 3000)
  void mutatedFramesAreValidFramesOrDocumentedErrors(@ForAll("mutatedFrames") String text) {
    decodeOrDocumentedError(text);
  }

  @Property(tries = 500)
  void validChatAndProfileFramesDecodeToWhatWasSent(
      @ForAll("envelopes") Envelope e, @ForAll("envelopeTypes") String type) {
    String text = "{\"t\":\"" + type + "\",\"c\":" + e.counter() + ",\"iv\":" + quote(e.iv()) + ",\"ct\":" + quote(e.ciphertext()) + "}";
    if ("profile".equals(type) && e.ciphertextBytes() > Frames.MAX_PROFILE_BYTES) {
      assertEquals("too_large", codeOf(text));
      return;
    }
    Inbound frame = Frames.decode(text);
    Envelope decoded = frame instanceof Inbound.Chat c ? c.envelope() : ((Inbound.Profile) frame).envelope();
    assertEquals(e, decoded);
    assertEquals("msg".equals(type), frame instanceof Inbound.Chat);
  }

  @Property(tries = 500)
  void validAuthAndSignalFramesDecodeToWhatWasSent(
      @ForAll("base64Of32") String token,
      @ForAll("sinces") long since,
      @ForAll("base64Of16") String to,
      @ForAll("envelopes") Envelope e) {
    Inbound.Auth auth =
        (Inbound.Auth) Frames.decode("{\"since\":" + since + ",\"token\":" + quote(token) + ",\"t\":\"auth\"}");
    assertEquals(token, auth.token().value());
    assertEquals(since, auth.since());
    String signal =
        "{\"t\":\"signal\",\"to\":" + quote(to) + ",\"c\":" + e.counter() + ",\"iv\":" + quote(e.iv()) + ",\"ct\":" + quote(e.ciphertext()) + "}";
    if (e.ciphertextBytes() > Frames.MAX_SIGNAL_BYTES) {
      assertEquals("too_large", codeOf(signal));
      return;
    }
    Inbound.Signal decoded = (Inbound.Signal) Frames.decode(signal);
    assertEquals(to, decoded.to().value());
    assertEquals(e, decoded.envelope());
  }

  @Property(tries = 200)
  void deepNestingAnywhereInAFrameIsABadFrame(@ForAll @IntRange(min = 1, max = 12_000) int depth) {
    assertEquals("bad_frame", codeOf(HostileJson.nestedArrays(depth)));
    assertEquals("bad_frame", codeOf("{\"t\":\"msg\",\"c\":" + HostileJson.nestedArrays(depth) + "}"));
    assertEquals("bad_frame", codeOf("{\"t\":\"ping\",\"x\":" + HostileJson.nestedObjects(depth / 2 + 1) + "}"));
  }

  @Property(tries = 200)
  void longNumbersAreBadFrames(@ForAll @IntRange(min = 17, max = 20_000) int digits) {
    String n = HostileJson.longNumber(digits);
    assertEquals("bad_frame", codeOf("{\"t\":\"msg\",\"c\":" + n + ",\"iv\":\"AAAAAAAAAAAAAAAA\",\"ct\":\"" + "A".repeat(22) + "\"}"));
    assertEquals("bad_frame", codeOf("{\"t\":\"auth\",\"token\":\"" + "A".repeat(43) + "\",\"since\":-" + n + "}"));
    assertEquals("bad_frame", codeOf("{\"t\":\"ping\",\"x\":" + n + ".5e-" + n + "}"));
  }

  @Example
  void theLargestCiphertextIsAcceptedAndOneByteMoreIsTooLarge() {
    String iv = quote("A".repeat(16));
    String largest = Base64Url.encode(new byte[MessageSettings.MAX_CIPHERTEXT_BYTES]);
    Inbound.Chat chat = (Inbound.Chat) Frames.decode("{\"t\":\"msg\",\"c\":1,\"iv\":" + iv + ",\"ct\":\"" + largest + "\"}");
    assertEquals(MessageSettings.MAX_CIPHERTEXT_BYTES, chat.envelope().ciphertextBytes());
    String over = Base64Url.encode(new byte[MessageSettings.MAX_CIPHERTEXT_BYTES + 1]);
    assertEquals("too_large", codeOf("{\"t\":\"msg\",\"c\":1,\"iv\":" + iv + ",\"ct\":\"" + over + "\"}"));
  }

  @Example
  void theDecoderSpeaksOnlyDocumentedCodes() {
    assertTrue(DOCUMENTED_CODES.containsAll(DECODER_CODES));
  }

  /** The wire code of a decoding error: the one line to change when the codes become relay.ErrorCode. */
  private static String wireCode(FrameError e) {
    return e.code();
  }

  private static String codeOf(String text) {
    try {
      Inbound frame = Frames.decode(text);
      throw new AssertionError("decoded as " + frame + ": " + abbreviate(text));
    } catch (FrameError e) {
      return wireCode(e);
    }
  }

  private static void decodeOrDocumentedError(String text) {
    Inbound frame;
    try {
      frame = Frames.decode(text);
    } catch (FrameError e) {
      assertTrue(DECODER_CODES.contains(wireCode(e)), "undocumented code " + wireCode(e) + " for " + abbreviate(text));
      return;
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError(e.getClass().getName() + " escaped the decoder for " + abbreviate(text), e);
    }
    assertValid(frame);
  }

  // A decoded frame holds only values the protocol allows: a frame that got through is one a client may send.
  private static void assertValid(Inbound frame) {
    if (frame instanceof Inbound.Auth a) {
      assertTrue(Base64Url.isExactly(a.token().value(), SessionToken.BYTES));
      assertTrue(a.since() >= 0 && a.since() <= Frames.MAX_SINCE);
    } else if (frame instanceof Inbound.Chat c) {
      assertTrue(c.envelope().ciphertextBytes() <= MessageSettings.MAX_CIPHERTEXT_BYTES);
    } else if (frame instanceof Inbound.Profile p) {
      assertTrue(p.envelope().ciphertextBytes() <= Frames.MAX_PROFILE_BYTES);
    } else if (frame instanceof Inbound.Signal s) {
      assertTrue(SessionId.isValid(s.to().value()));
      assertTrue(s.envelope().ciphertextBytes() <= Frames.MAX_SIGNAL_BYTES);
    } else {
      assertTrue(frame instanceof Inbound.Typing || frame instanceof Inbound.Ping, String.valueOf(frame));
    }
  }

  private static String abbreviate(String text) {
    String shown = text.length() > 300 ? text.substring(0, 300) + "... (" + text.length() + " chars)" : text;
    return shown.codePoints().mapToObj(cp -> cp < 0x20 || (cp >= 0xD800 && cp <= 0xDFFF) ? String.format("\\u%04x", cp) : Character.toString(cp)).reduce("", String::concat);
  }

  @Property(tries = 5000)
  void theChatFastPathAcceptsOnlyWhatTheStrictParserAcceptsAndDecodesTheSame(@ForAll("editedChatFrames") String text) {
    Inbound fast = Frames.chatFastPath(text);
    if (fast == null) {
      return; // the strict parser decides
    }
    Inbound strict;
    try {
      strict = Frames.decodeStrictly(text);
    } catch (FrameError e) {
      throw new AssertionError("the fast path accepted what the parser refuses (" + wireCode(e) + "): " + abbreviate(text));
    }
    assertEquals(strict, fast);
  }

  @Example
  void theChatFastPathTakesTheFramesClientsWrite() {
    String text = "{\"t\":\"msg\",\"c\":42,\"iv\":\"" + "A".repeat(16) + "\",\"ct\":\"" + "A".repeat(22) + "\"}";
    assertEquals(Frames.decodeStrictly(text), Frames.chatFastPath(text));
  }

  /** Canonical chat frames with a few characters inserted, replaced or deleted, or cut short. */
  @Provide
  Arbitrary<String> editedChatFrames() {
    return Arbitraries.randomValue(
        r -> {
          HostileJson h = new HostileJson(r);
          long counter = r.nextInt(4) == 0 ? Envelope.MAX_COUNTER + r.nextInt(3) - 1 : 1 + r.nextInt(100_000);
          StringBuilder b =
              new StringBuilder("{\"t\":\"msg\",\"c\":" + counter + ",\"iv\":" + quote(h.base64(12)) + ",\"ct\":"
                  + quote(h.base64(r.nextInt(4) == 0 ? r.nextInt(20) : 16 + r.nextInt(200))) + "}");
          String alphabet = "\"\\0123456789-.eE +/=_A{}[],:tmsgcivu";
          int edits = r.nextInt(4);
          for (int k = 0; k < edits && b.length() > 0; k++) {
            int at = r.nextInt(b.length());
            char ch = alphabet.charAt(r.nextInt(alphabet.length()));
            switch (r.nextInt(4)) {
              case 0 -> b.insert(at, ch);
              case 1 -> b.setCharAt(at, ch);
              case 2 -> b.deleteCharAt(at);
              default -> b.setLength(at);
            }
          }
          return b.toString();
        });
  }

  @Provide
  Arbitrary<String> randomText() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(200),
        Arbitraries.randomValue(r -> new HostileJson(r).text(300)));
  }

  @Provide
  Arbitrary<String> randomObjects() {
    return Arbitraries.randomValue(r -> new HostileJson(r).randomObject());
  }

  @Provide
  Arbitrary<String> mutatedFrames() {
    return Arbitraries.randomValue(
        r -> {
          HostileJson h = new HostileJson(r);
          List<Map<String, String>> valid =
              List.of(
                  HostileJson.members("t", "\"auth\"", "token", quote(h.base64(32)), "since", Long.toString(r.nextInt(1000))),
                  HostileJson.members("t", "\"msg\"", "c", "1", "iv", quote(h.base64(12)), "ct", quote(h.base64(16 + r.nextInt(200)))),
                  HostileJson.members("t", "\"profile\"", "c", "7", "iv", quote(h.base64(12)), "ct", quote(h.base64(16 + r.nextInt(100)))),
                  HostileJson.members(
                      "t", "\"signal\"", "to", quote(h.base64(16)), "c", "9", "iv", quote(h.base64(12)), "ct", quote(h.base64(40))),
                  HostileJson.members("t", "\"typing\""),
                  HostileJson.members("t", "\"ping\""));
          return h.mutate(valid.get(r.nextInt(valid.size())));
        });
  }

  @Provide
  Arbitrary<Envelope> envelopes() {
    Arbitrary<Long> counters = Arbitraries.longs().between(1, Envelope.MAX_COUNTER);
    Arbitrary<byte[]> ivs = Arbitraries.bytes().array(byte[].class).ofSize(Envelope.IV_BYTES);
    Arbitrary<byte[]> cts =
        Arbitraries.bytes().array(byte[].class).ofMinSize(Envelope.TAG_BYTES).ofMaxSize(MessageSettings.MAX_CIPHERTEXT_BYTES);
    return Combinators.combine(counters, ivs, cts).as((c, iv, ct) -> new Envelope(c, Base64Url.encode(iv), Base64Url.encode(ct)));
  }

  @Provide
  Arbitrary<String> envelopeTypes() {
    return Arbitraries.of("msg", "profile");
  }

  @Provide
  Arbitrary<Long> sinces() {
    return Arbitraries.longs().between(0, Frames.MAX_SINCE);
  }

  @Provide
  Arbitrary<String> base64Of32() {
    return Arbitraries.bytes().array(byte[].class).ofSize(32).map(Base64Url::encode);
  }

  @Provide
  Arbitrary<String> base64Of16() {
    return Arbitraries.bytes().array(byte[].class).ofSize(16).map(Base64Url::encode);
  }
}
