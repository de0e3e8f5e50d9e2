package chat.sotto.relay;

import chat.sotto.message.Envelope;
import chat.sotto.message.StoredMessage;
import chat.sotto.message.StoredMessages;
import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;
import chat.sotto.session.SessionToken;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The relay's per-frame CPU work, without the network: decoding and validating client frames (the JSON-P parse, the
 * shape checks, the envelope's base64url checks) and encoding the frames a stored chat message produces.
 *
 * <p>Run: {@code mvn -Pjmh test-compile exec:exec -Djmh.args="FramesBenchmark"}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class FramesBenchmark {
  private String chatFrame;
  private String authFrame;
  private StoredMessage stored;

  @Setup(Level.Trial)
  public void setUp() {
    SecureRandom random = new SecureRandom();
    String iv = base64(random, 12);
    String ct = base64(random, 300); // ~400 characters: a 200-character message, sealed
    chatFrame = "{\"t\":\"msg\",\"c\":123456,\"iv\":\"" + iv + "\",\"ct\":\"" + ct + "\"}";
    authFrame = "{\"t\":\"auth\",\"token\":\"" + SessionToken.random().value() + "\",\"since\":0}";
    stored =
        StoredMessages.of(
            new RoomId(base64(random, 32)), 42, SessionId.random(), new Envelope(123456, iv, ct), 1_700_000_000_000L);
  }

  /** A 400-character chat envelope: what every message costs on arrival. */
  @Benchmark
  public Inbound decodeChat() {
    return Frames.decode(chatFrame);
  }

  @Benchmark
  public Inbound decodeAuth() {
    return Frames.decode(authFrame);
  }

  @Benchmark
  public Inbound decodePing() {
    return Frames.decode("{\"t\":\"ping\"}");
  }

  /**
   * Reference, not server code: parsing the same chat frame with a JSON-P provider looked up once. {@code
   * Frames.decode} calls {@code Json.createReader}, which looks the provider up (ServiceLoader) on every call.
   */
  @Benchmark
  public JsonValue parseChatWithCachedProvider() {
    try (JsonReader r = PROVIDER.createReader(new StringReader(chatFrame))) {
      return r.readValue();
    }
  }

  private static final JsonProvider PROVIDER = JsonProvider.provider();

  /** The msg frame of a stored message (encoded once per message, shared by all recipients). */
  @Benchmark
  public String encodeMessage() {
    return Frames.message(stored);
  }

  @Benchmark
  public String encodeAck() {
    return Frames.ack(123456, 42);
  }

  static String base64(SecureRandom random, int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
