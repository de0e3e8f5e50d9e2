package chat.sotto.relay;

import chat.sotto.message.Envelope;
import chat.sotto.message.MessageFrame;
import chat.sotto.message.MessageSettings;
import chat.sotto.message.StoredMessage;
import chat.sotto.room.RoomAccess;
import chat.sotto.session.Participant;
import chat.sotto.session.SessionId;
import chat.sotto.session.SessionToken;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one definition of the relay's wire frames (docs/PROTOCOL.md): strict decoding of client frames and encoding
 * of server frames. Encoded values are numbers, booleans, validated base64url or fixed codes, so no escaping is needed.
 */
public final class Frames {
  /** Largest text frame accepted; the container closes the socket with 1009 above it. */
  public static final int MAX_FRAME_BYTES = 24_576;

  public static final int MAX_PROFILE_BYTES = 1_024;
  public static final int MAX_SIGNAL_BYTES = 16_384;
  public static final long MAX_SINCE = Envelope.MAX_COUNTER;

  /**
   * Longest {@code msg} frame: the largest ciphertext in base64url plus the other fields at their longest (a 22-char
   * session ID, a 16-char IV, and three numbers of up to 16 digits).
   */
  static final int MAX_MESSAGE_FRAME_CHARS = (MessageSettings.MAX_CIPHERTEXT_BYTES * 4 + 2) / 3 + 160;

  static final String PONG = "{\"t\":\"pong\"}";
  static final String GONE = "{\"t\":\"gone\"}";
  static final String ADMITTED = "{\"t\":\"admitted\"}";

  // Looked up once: Json.createReader finds its provider through the service loader on every call, which
  // serializes all frame decoding on a class-loader lock under load.
  private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

  private static final Set<String> TYPE_ONLY = Set.of("t");
  private static final Set<String> AUTH = Set.of("t", "token", "since");
  private static final Set<String> ENVELOPE = Set.of("t", "c", "iv", "ct");
  private static final Set<String> SIGNAL = Set.of("t", "to", "c", "iv", "ct");

  private Frames() {}

  /** Decodes and validates one client frame, or throws {@link FrameError}. */
  static Inbound decode(String text) {
    Inbound chat = chatFastPath(text);
    return chat != null ? chat : decodeStrictly(text);
  }

  /** {@link #decode} by the JSON parser alone. */
  static Inbound decodeStrictly(String text) {
    JsonObject frame = parseObject(text);
    JsonValue type = frame.get("t");
    if (!(type instanceof JsonString t)) {
      throw new FrameError(ErrorCode.BAD_FRAME);
    }
    return switch (t.getString()) {
      case "auth" -> {
        requireMembers(frame, AUTH);
        SessionToken token = SessionToken.parse(string(frame, "token"));
        if (token == null) {
          throw new FrameError(ErrorCode.BAD_FRAME);
        }
        yield new Inbound.Auth(token, integer(frame, "since", 0, MAX_SINCE));
      }
      case "msg" -> new Inbound.Chat(envelope(frame, MessageSettings.MAX_CIPHERTEXT_BYTES));
      case "profile" -> new Inbound.Profile(envelope(frame, MAX_PROFILE_BYTES));
      case "knock" -> new Inbound.Knock(envelope(frame, MAX_PROFILE_BYTES));
      case "signal" -> {
        requireMembers(frame, SIGNAL);
        String to = string(frame, "to");
        if (!SessionId.isValid(to)) {
          throw new FrameError(ErrorCode.BAD_FRAME);
        }
        yield new Inbound.Signal(new SessionId(to), envelopeFields(frame, MAX_SIGNAL_BYTES));
      }
      case "typing" -> {
        requireMembers(frame, TYPE_ONLY);
        yield new Inbound.Typing();
      }
      case "ping" -> {
        requireMembers(frame, TYPE_ONLY);
        yield new Inbound.Ping();
      }
      default -> throw new FrameError(ErrorCode.UNKNOWN_TYPE);
    };
  }

  /**
   * The welcome of an admitted member: the room's state and the admitted members' profiles; the owner's also lists
   * the knocks of the sessions waiting to be admitted.
   */
  static String welcome(
      Participant self,
      long maxCounter,
      SessionId ownerId,
      RoomAccess access,
      long latestSeq,
      long firstSeq,
      List<Participant> members) {
    StringBuilder b =
        new StringBuilder(256)
            .append("{\"t\":\"welcome\",\"sessionId\":\"")
            .append(self.id().value())
            .append("\",\"ownerId\":\"")
            .append(ownerId.value())
            .append("\",\"owner\":")
            .append(self.owner())
            .append(",\"latestSeq\":")
            .append(latestSeq)
            .append(",\"firstSeq\":")
            .append(firstSeq)
            .append(",\"maxCounter\":")
            .append(maxCounter);
    appendAccess(b, access);
    b.append(",\"profiles\":[");
    appendStored(b, "profile", members, true);
    b.append(']');
    if (self.owner()) {
      b.append(",\"knocks\":[");
      appendStored(b, "knock", members, false);
      b.append(']');
    }
    return b.append('}').toString();
  }

  /** The answer to a knocking session's auth: it waits for the owner. */
  static String waiting(SessionId self) {
    return "{\"t\":\"waiting\",\"sessionId\":\"" + self.value() + "\"}";
  }

  static String knock(SessionId from, Envelope e) {
    StringBuilder b = new StringBuilder(e.ciphertext().length() + 100);
    appendEnvelope(b, "knock", from.value(), e.counter(), e.iv(), e.ciphertext());
    return b.toString();
  }

  static String knock(Participant p) {
    StringBuilder b = new StringBuilder(p.profileCt().length() + 100);
    appendEnvelope(b, "knock", p.id().value(), p.profileCounter(), p.profileIv(), p.profileCt());
    return b.toString();
  }

  static String room(RoomAccess access) {
    StringBuilder b = new StringBuilder(64).append("{\"t\":\"room\"");
    appendAccess(b, access);
    return b.append('}').toString();
  }

  static String owner(SessionId ownerId) {
    return "{\"t\":\"owner\",\"ownerId\":\"" + ownerId.value() + "\"}";
  }

  static String message(StoredMessage m) {
    return MessageFrame.encode(m);
  }

  static String ack(long counter, long seq) {
    return "{\"t\":\"ack\",\"c\":" + counter + ",\"seq\":" + seq + "}";
  }

  static String profile(SessionId from, Envelope e) {
    StringBuilder b = new StringBuilder(e.ciphertext().length() + 100);
    appendEnvelope(b, "profile", from.value(), e.counter(), e.iv(), e.ciphertext());
    return b.toString();
  }

  static String presence(Collection<SessionId> online) {
    StringBuilder b = new StringBuilder(32 + online.size() * 25).append("{\"t\":\"presence\",\"online\":[");
    boolean first = true;
    for (SessionId id : online) {
      b.append(first ? "\"" : ",\"").append(id.value()).append('"');
      first = false;
    }
    return b.append("]}").toString();
  }

  static String typing(SessionId from) {
    return "{\"t\":\"typing\",\"from\":\"" + from.value() + "\"}";
  }

  static String signal(SessionId from, SessionId to, Envelope e) {
    return new StringBuilder(e.ciphertext().length() + 140)
        .append("{\"t\":\"signal\",\"from\":\"")
        .append(from.value())
        .append("\",\"to\":\"")
        .append(to.value())
        .append("\",\"c\":")
        .append(e.counter())
        .append(",\"iv\":\"")
        .append(e.iv())
        .append("\",\"ct\":\"")
        .append(e.ciphertext())
        .append("\"}")
        .toString();
  }

  static String left(SessionId sessionId) {
    return "{\"t\":\"left\",\"from\":\"" + sessionId.value() + "\"}";
  }

  /** The owner removed a member, or refused a knocking session. */
  static String removed(SessionId sessionId) {
    return "{\"t\":\"left\",\"from\":\"" + sessionId.value() + "\",\"removed\":true}";
  }

  static String error(ErrorCode error) {
    return "{\"t\":\"error\",\"code\":\"" + error.code() + "\",\"message\":\"" + error.message() + "\"}";
  }

  static String envelopeError(ErrorCode error, long counter, long retryAfterMs) {
    StringBuilder b =
        new StringBuilder(128)
            .append("{\"t\":\"error\",\"code\":\"")
            .append(error.code())
            .append("\",\"message\":\"")
            .append(error.message())
            .append("\",\"c\":")
            .append(counter);
    if (retryAfterMs > 0) {
      b.append(",\"retryAfterMs\":").append(retryAfterMs);
    }
    return b.append('}').toString();
  }

  // The stored envelopes of admitted members (profiles) or of knocking sessions (knocks).
  private static void appendStored(StringBuilder b, String type, List<Participant> members, boolean admitted) {
    boolean first = true;
    for (Participant p : members) {
      if (p.hasProfile() && p.admitted() == admitted) {
        b.append(first ? "" : ",");
        appendEnvelope(b, type, p.id().value(), p.profileCounter(), p.profileIv(), p.profileCt());
        first = false;
      }
    }
  }

  private static void appendAccess(StringBuilder b, RoomAccess access) {
    b.append(",\"locked\":")
        .append(access.locked())
        .append(",\"knock\":")
        .append(access.knock())
        .append(",\"sealed\":")
        .append(access.sealed());
  }

  private static void appendEnvelope(StringBuilder b, String type, String from, long counter, String iv, String ct) {
    b.append("{\"t\":\"")
        .append(type)
        .append("\",\"from\":\"")
        .append(from)
        .append("\",\"c\":")
        .append(counter)
        .append(",\"iv\":\"")
        .append(iv)
        .append("\",\"ct\":\"")
        .append(ct)
        .append("\"}");
  }

  private static final String CHAT_START = "{\"t\":\"msg\",\"c\":";
  private static final String CHAT_IV = ",\"iv\":\"";
  private static final String CHAT_CT = "\",\"ct\":\"";
  private static final int MAX_CT_CHARS = (MessageSettings.MAX_CIPHERTEXT_BYTES * 4 + 2) / 3;

  /**
   * The chat frame exactly as clients write it ({@code {"t":"msg","c":N,"iv":"...","ct":"..."}}, no spaces), read
   * without a JSON parser: most of what the relay receives, and a parse per frame was a tenth of its cost. Anything
   * else, or any value this reading would not accept, returns null and goes through the full, strict parser, so a
   * frame is accepted or refused exactly as before. Base64url has no quote or backslash, so the first quote after a
   * value's start ends it.
   */
  static Inbound chatFastPath(String text) {
    if (!text.startsWith(CHAT_START) || !text.endsWith("\"}")) {
      return null;
    }
    int i = CHAT_START.length();
    int digits = 0;
    long counter = 0;
    while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9' && digits <= 16) {
      counter = counter * 10 + (text.charAt(i) - '0');
      i++;
      digits++;
    }
    if (digits == 0 || digits > 16 || (digits > 1 && text.charAt(CHAT_START.length()) == '0')) {
      return null;
    }
    if (!text.startsWith(CHAT_IV, i)) {
      return null;
    }
    int ivStart = i + CHAT_IV.length();
    int ivEnd = text.indexOf('"', ivStart);
    if (ivEnd < 0 || !text.startsWith(CHAT_CT, ivEnd)) {
      return null;
    }
    int ctStart = ivEnd + CHAT_CT.length();
    int ctEnd = text.length() - 2;
    if (ctEnd < ctStart || text.indexOf('"', ctStart) != ctEnd || ctEnd - ctStart > MAX_CT_CHARS) {
      return null;
    }
    try {
      return new Inbound.Chat(new Envelope(counter, text.substring(ivStart, ivEnd), text.substring(ctStart, ctEnd)));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Envelope envelope(JsonObject frame, int maxCiphertextBytes) {
    requireMembers(frame, ENVELOPE);
    return envelopeFields(frame, maxCiphertextBytes);
  }

  private static Envelope envelopeFields(JsonObject frame, int maxCiphertextBytes) {
    long counter = integer(frame, "c", 1, Envelope.MAX_COUNTER);
    String iv = string(frame, "iv");
    String ct = string(frame, "ct");
    if (ct.length() > (maxCiphertextBytes * 4 + 2) / 3) {
      throw new FrameError(ErrorCode.TOO_LARGE);
    }
    try {
      return new Envelope(counter, iv, ct);
    } catch (IllegalArgumentException e) {
      throw new FrameError(ErrorCode.BAD_FRAME);
    }
  }

  private static JsonObject parseObject(String text) {
    JsonValue value;
    try (JsonReader reader = READERS.createReader(new StringReader(text))) {
      value = reader.readValue();
    } catch (RuntimeException e) {
      // Not only JsonException: the parser enforces its limits (nesting deeper than 1,000, numbers longer than
      // 1,100 chars) with a plain RuntimeException or UnsupportedOperationException. The reader holds nothing but
      // the client's text, so whatever it throws is a bad frame.
      throw new FrameError(ErrorCode.BAD_FRAME);
    }
    if (value.getValueType() != JsonValue.ValueType.OBJECT) {
      throw new FrameError(ErrorCode.BAD_FRAME);
    }
    return value.asJsonObject();
  }

  private static void requireMembers(JsonObject frame, Set<String> members) {
    if (!frame.keySet().equals(members)) {
      throw new FrameError(ErrorCode.BAD_FRAME);
    }
  }

  private static String string(JsonObject frame, String name) {
    if (frame.get(name) instanceof JsonString s) {
      return s.getString();
    }
    throw new FrameError(ErrorCode.BAD_FRAME);
  }

  private static long integer(JsonObject frame, String name, long min, long max) {
    if (!(frame.get(name) instanceof JsonNumber n) || !n.isIntegral()) {
      throw new FrameError(ErrorCode.BAD_FRAME);
    }
    try {
      long v = n.bigDecimalValue().longValueExact();
      if (v < min || v > max) {
        throw new FrameError(ErrorCode.BAD_FRAME);
      }
      return v;
    } catch (ArithmeticException e) {
      throw new FrameError(ErrorCode.BAD_FRAME);
    }
  }
}
