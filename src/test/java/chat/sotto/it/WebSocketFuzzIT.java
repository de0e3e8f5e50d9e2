package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.common.HostileJson;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The relay socket under bad input of every shape, as an attacker would send it: random and mutated text frames,
 * binary and fragmented messages, deep and huge JSON, invalid UTF-8 and broken framing at the byte level, many
 * frames fast. Before authentication every frame ends the connection with a documented close code; after it, a bad
 * frame gets an error frame of a documented code and the socket stays open. No frame leaks a stack trace or a class
 * name, no FFDC incident appears, and afterwards the server is ready and a normal client still chats.
 *
 * <p>Deterministic: every input comes from one seed (-Dsotto.fuzz.seed=N to try another), printed in every failure.
 */
@ExtendWith(ArquillianExtension.class)
class WebSocketFuzzIT {
  private static final long SEED = Long.getLong("sotto.fuzz.seed", 20_261_130L);
  private static final int MAX_FRAME_BYTES = 24_576;
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Every frame type docs/PROTOCOL.md lets the server send. */
  private static final Set<String> SERVER_FRAME_TYPES =
      Set.of("welcome", "msg", "ack", "profile", "presence", "typing", "left", "signal", "pong", "error", "gone");

  /** What must never reach a client: traces of the server's insides. */
  private static final List<String> LEAKS =
      List.of("Exception", "Error:", "at chat.", "at java", "java.", "jakarta.", "com.ibm", "org.eclipse", "sotto.relay", "SRVE", "CWW");

  private final Random random = new Random(SEED);
  private final HostileJson hostile = new HostileJson(random);
  private Set<String> incidentsBefore;

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @BeforeEach
  void noteIncidents() throws IOException {
    incidentsBefore = incidents();
  }

  @AfterEach
  void theServerIsUnharmed() throws IOException {
    Set<String> added = new TreeSet<>(incidents());
    added.removeAll(incidentsBefore);
    assertEquals(Set.of(), added, "FFDC incidents appeared under " + ffdc() + " (seed " + SEED + ")");
    assertEquals(200, Api.get("health/ready", null).statusCode(), "the server is ready");
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session member = Api.member(room);
    try (RelayClient a = RelayClient.connect(owner, 0);
        RelayClient b = RelayClient.connect(member, 0)) {
      a.sendEnvelope(1, 100);
      a.await("ack");
      assertEquals(owner.sessionId(), b.await("msg").getString("from"), "a normal client still chats");
    }
  }

  /** The error codes docs/PROTOCOL.md documents: the one place to switch to relay.ErrorCode after the merge. */
  static Set<String> documentedErrorCodes() {
    return Set.of("bad_frame", "unknown_type", "too_large", "rate_limited", "not_in_room", "unavailable", "server_full");
  }

  @Test
  void beforeAuthenticationEveryHostileTextFrameClosesWithPolicyViolation() {
    for (int i = 0; i < 24; i++) {
      String frame = i % 3 == 0 ? boundedText() : i % 3 == 1 ? bounded(hostile::randomObject) : mutatedFrame();
      try (Client c = Client.open()) {
        c.send(frame);
        assertEquals(1008, c.awaitClose(), context(i, frame));
        c.assertNothingLeaked(context(i, frame));
        assertTrue(c.received.isEmpty(), "nothing but the close before authentication: " + c.received + context(i, frame));
      }
    }
  }

  @Test
  void beforeAuthenticationBinaryOversizedAndDeepFramesCloseWithTheirCodes() {
    try (Client c = Client.open()) {
      c.sendBinary(new byte[] {'{', '}'});
      assertEquals(1003, c.awaitClose(), "binary before auth");
    }
    try (Client c = Client.open()) {
      c.send(HostileJson.nestedArrays(100_000));
      assertEquals(1009, c.awaitClose(), "100,000 nested arrays before auth");
    }
    try (Client c = Client.open()) {
      c.send("{\"t\":\"auth\",\"token\":\"" + "A".repeat(MAX_FRAME_BYTES) + "\",\"since\":0}");
      assertEquals(1009, c.awaitClose(), "an oversized auth frame");
    }
    try (Client c = Client.open()) {
      c.send(HostileJson.nestedArrays(5_000));
      assertEquals(1008, c.awaitClose(), "5,000 nested arrays (within the size limit) before auth");
    }
  }

  @Test
  void afterAuthenticationHostileFramesGetDocumentedErrorsAndTheSocketStaysOpen() {
    Api.Session owner = Api.owner(Api.newRoomId());
    try (Client c = Client.authenticated(owner)) {
      for (int i = 0; i < 400; i++) {
        String frame =
            switch (i % 4) {
              case 0 -> boundedText();
              case 1 -> bounded(hostile::randomObject);
              default -> mutatedFrame();
            };
        String what = context(i, frame);
        c.send(frame);
        // Frames of one socket are handled in order: the answer to a frame the decoder refuses comes before the
        // answer to a marker, a signal to nobody whose refusal carries the marker's own counter.
        long marker = 1_000_000_000_000L + i;
        c.send("{\"t\":\"signal\",\"to\":\"" + Api.random(16) + "\",\"c\":" + marker + ",\"iv\":\"" + Api.random(12) + "\",\"ct\":\"" + Api.random(20) + "\"}");
        List<JsonObject> answers =
            c.until(f -> "error".equals(f.getString("t")) && f.containsKey("c") && f.getJsonNumber("c").longValue() == marker, "the marker after " + what);
        if (!isJsonObject(frame)) {
          assertTrue(
              answers.stream().anyMatch(f -> "error".equals(f.getString("t")) && "bad_frame".equals(f.getString("code"))),
              "a bad_frame error for " + what + ", got " + answers);
        }
        assertFalse(c.isClosed(), "the socket stays open after " + what);
      }
      c.assertNothingLeaked("seed " + SEED);
      c.send("{\"t\":\"msg\",\"c\":" + (1L << 40) + ",\"iv\":\"" + Api.random(12) + "\",\"ct\":\"" + Api.random(64) + "\"}");
      c.until(f -> "ack".equals(f.getString("t")) && f.getJsonNumber("c").longValue() == 1L << 40, "the ack of a valid frame");
    }
  }

  @Test
  void deepHugeAndFragmentedJsonAfterAuthentication() {
    Api.Session owner = Api.owner(Api.newRoomId());
    try (Client c = Client.authenticated(owner)) {
      c.send(HostileJson.nestedArrays(12_000));
      assertEquals("bad_frame", c.awaitError("12,000 nested arrays").getString("code"));
      c.send("{\"t\":\"msg\",\"c\":" + HostileJson.longNumber(1_200) + ",\"iv\":\"" + Api.random(12) + "\",\"ct\":\"" + Api.random(40) + "\"}");
      assertEquals("bad_frame", c.awaitError("a 1,200-digit counter").getString("code"));
      c.send("{\"t\":\"ping\",\"x\":1e" + HostileJson.longNumber(2_000) + "}");
      assertEquals("bad_frame", c.awaitError("a 2,000-digit exponent").getString("code"));

      String valid = "{\"t\":\"msg\",\"c\":5,\"iv\":\"" + Api.random(12) + "\",\"ct\":\"" + Api.random(3_000) + "\"}";
      c.sendFragmented(valid, 3);
      c.until(f -> "ack".equals(f.getString("t")) && f.getJsonNumber("c").longValue() == 5, "the ack of a fragmented frame");
      c.sendFragmented("{\"t\":\"msg\",\"c\":6,\"iv\":\"x\"," + "\"pad\":\"" + "A".repeat(5_000) + "\"}", 4);
      assertEquals("bad_frame", c.awaitError("a fragmented bad frame").getString("code"));
      assertFalse(c.isClosed());

      c.sendFragmented("{\"t\":\"msg\",\"c\":7,\"iv\":\"" + Api.random(12) + "\",\"ct\":\"" + "A".repeat(32_000) + "\"}", 4);
      assertEquals(1009, c.awaitClose(), "fragments adding up to more than the limit");
      c.assertNothingLeaked("seed " + SEED);
    }
    try (Client c = Client.authenticated(Api.member(owner.roomId()))) {
      c.send(HostileJson.nestedArrays(100_000));
      assertEquals(1009, c.awaitClose(), "100,000 nested arrays after auth");
    }
    try (Client c = Client.authenticated(Api.member(owner.roomId()))) {
      c.send("{\"t\":\"msg\",\"c\":1,\"iv\":\"" + Api.random(12) + "\",\"ct\":\"" + Api.random(30_000) + "\"}");
      assertEquals(1009, c.awaitClose(), "a frame over the 24,576-byte limit");
    }
  }

  @Test
  void binaryFramesCloseWith1003AfterAuthenticationToo() {
    String room = Api.newRoomId();
    Api.owner(room);
    try (Client c = Client.authenticated(Api.member(room))) {
      byte[] bytes = new byte[700];
      random.nextBytes(bytes);
      c.sendBinary(bytes);
      assertEquals(1003, c.awaitClose(), "binary after auth");
    }
    try (Client c = Client.authenticated(Api.member(room))) {
      c.ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2}), false).orTimeout(10, TimeUnit.SECONDS).join();
      c.ws.sendBinary(ByteBuffer.wrap(new byte[] {3, 4}), true).orTimeout(10, TimeUnit.SECONDS).join();
      assertEquals(1003, c.awaitClose(), "fragmented binary after auth");
    }
  }

  @Test
  void manyFramesFastAreEachAnsweredAndTheSocketStaysOpen() {
    Api.Session owner = Api.owner(Api.newRoomId());
    try (Client c = Client.authenticated(owner)) {
      int pings = 0;
      int bad = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      for (int i = 0; i < 1_000 && System.nanoTime() < deadline; i++) {
        if (random.nextBoolean()) {
          c.send("{\"t\":\"ping\"}");
          pings++;
        } else {
          c.send(boundedText());
          bad++;
        }
      }
      int pongs = 0;
      int errors = 0;
      while (pongs < pings) {
        JsonObject f = c.next("pong " + (pongs + 1) + " of " + pings);
        pongs += "pong".equals(f.getString("t")) ? 1 : 0;
        errors += "error".equals(f.getString("t")) ? 1 : 0;
      }
      // Errors may trail the last pong only if frames were answered out of order; none may be missing.
      c.send("{\"t\":\"ping\"}");
      for (JsonObject f : c.until(x -> "pong".equals(x.getString("t")), "the last pong")) {
        errors += "error".equals(f.getString("t")) ? 1 : 0;
      }
      assertEquals(bad, errors, "one error frame for each bad frame (seed " + SEED + ")");
      assertFalse(c.isClosed(), "the socket stays open (seed " + SEED + ")");
    }
  }

  @Test
  void invalidUtf8AndBrokenFramingAtTheByteLevel() throws IOException {
    byte[] invalidUtf8 = {'{', '"', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'};
    byte[] loneSurrogate = {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'};
    Map<String, FuzzSocket.Frame> observed = new java.util.LinkedHashMap<>();
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    for (boolean authenticated : List.of(false, true)) {
      String when = authenticated ? " after auth" : " before auth";
      observed.put("invalid UTF-8" + when, rawClose(authenticated, room, ws -> ws.send(true, 0, FuzzSocket.TEXT, invalidUtf8)));
      observed.put("UTF-8 of a lone surrogate" + when, rawClose(authenticated, room, ws -> ws.send(true, 0, FuzzSocket.TEXT, loneSurrogate)));
      observed.put("RSV1 set" + when, rawClose(authenticated, room, ws -> ws.send(true, 4, FuzzSocket.TEXT, "{}".getBytes(StandardCharsets.UTF_8))));
      observed.put("unknown opcode 3" + when, rawClose(authenticated, room, ws -> ws.send(true, 0, 0x3, new byte[] {1})));
      observed.put("continuation without a start" + when, rawClose(authenticated, room, ws -> ws.send(true, 0, FuzzSocket.CONTINUATION, "{}".getBytes(StandardCharsets.UTF_8))));
      observed.put("unmasked frame" + when, rawClose(authenticated, room, ws -> ws.send(true, 0, FuzzSocket.TEXT, "{\"t\":\"ping\"}".getBytes(StandardCharsets.UTF_8), false)));
      observed.put("fragmented control frame" + when, rawClose(authenticated, room, ws -> ws.send(false, 0, FuzzSocket.PING, new byte[] {1})));
    }
    StringBuilder report = new StringBuilder();
    observed.forEach((k, f) -> report.append("\n  ").append(k).append(": ").append(f.closeCode()).append(' ').append(f.opcode() == FuzzSocket.CLOSE && f.payload().length > 2 ? new String(f.payload(), 2, f.payload().length - 2, StandardCharsets.UTF_8) : ""));
    System.out.println("WebSocketFuzzIT close codes at the byte level:" + report);
    // What Liberty 26.0.0.5 answers (it closes before Sotto sees the frame): 1007 for invalid UTF-8, 1002 for
    // broken framing. For an unknown opcode, a stray continuation and an unmasked frame Liberty's own close reason
    // names one of its classes (CWWKH0030E-CWWKH0032E ... com.ibm.ws.wsoc.AnnotatedEndpoint): written by Liberty
    // before the application sees anything, so only these three are exempt from the leak check.
    for (Map.Entry<String, FuzzSocket.Frame> e : observed.entrySet()) {
      int expected = e.getKey().contains("UTF-8") ? 1007 : 1002;
      assertEquals(expected, e.getValue().closeCode(), e.getKey() + ":" + report);
      String reason = new String(e.getValue().payload(), StandardCharsets.UTF_8);
      if (e.getKey().startsWith("invalid UTF-8") || e.getKey().startsWith("RSV1") || e.getKey().startsWith("fragmented")) {
        for (String leak : LEAKS) {
          assertFalse(reason.contains(leak), "the close reason leaks: " + reason);
        }
      }
    }
    try (FuzzSocket ws = FuzzSocket.open(SottoWar.BASE)) {
      authenticate(ws, Api.member(room));
      ws.send(false, 0, FuzzSocket.TEXT, "{\"t\":".getBytes(StandardCharsets.UTF_8));
      ws.send(true, 0, FuzzSocket.PING, new byte[] {7});
      ws.send(true, 0, FuzzSocket.CONTINUATION, "\"ping\"}".getBytes(StandardCharsets.UTF_8));
      boolean controlPong = false;
      boolean framePong = false;
      for (int i = 0; i < 50 && !(controlPong && framePong); i++) {
        FuzzSocket.Frame f = ws.read();
        assertTrue(f.opcode() != FuzzSocket.CLOSE && f.opcode() != -1, "closed with " + f.closeCode());
        controlPong |= f.opcode() == 0xA;
        framePong |= f.opcode() == FuzzSocket.TEXT && f.text().contains("\"pong\"");
      }
      assertTrue(controlPong, "a control frame between fragments is answered");
      assertTrue(framePong, "the fragments around it make one frame");
    }
  }

  private interface RawAction {
    void apply(FuzzSocket ws) throws IOException;
  }

  // Opens a raw socket (authenticated as a new member of room if asked), does the action and returns the close code.
  private static FuzzSocket.Frame rawClose(boolean authenticated, String room, RawAction action) throws IOException {
    try (FuzzSocket ws = FuzzSocket.open(SottoWar.BASE)) {
      if (authenticated) {
        authenticate(ws, Api.member(room));
      }
      action.apply(ws);
      return ws.awaitClose();
    }
  }

  private static void authenticate(FuzzSocket ws, Api.Session s) throws IOException {
    ws.sendText("{\"t\":\"auth\",\"token\":\"" + s.token() + "\",\"since\":0}");
    ws.awaitText("\"welcome\"");
  }

  // ---- inputs ----

  private String boundedText() {
    return bounded(() -> hostile.text(400));
  }

  private String mutatedFrame() {
    List<Map<String, String>> valid =
        List.of(
            HostileJson.members("t", "\"auth\"", "token", HostileJson.quote(hostile.base64(32)), "since", "0"),
            HostileJson.members("t", "\"msg\"", "c", Integer.toString(1 + random.nextInt(1000)), "iv", HostileJson.quote(hostile.base64(12)), "ct", HostileJson.quote(hostile.base64(16 + random.nextInt(300)))),
            HostileJson.members("t", "\"profile\"", "c", "3", "iv", HostileJson.quote(hostile.base64(12)), "ct", HostileJson.quote(hostile.base64(40))),
            HostileJson.members("t", "\"signal\"", "to", HostileJson.quote(hostile.base64(16)), "c", "4", "iv", HostileJson.quote(hostile.base64(12)), "ct", HostileJson.quote(hostile.base64(40))),
            HostileJson.members("t", "\"typing\""),
            HostileJson.members("t", "\"ping\""));
    return bounded(() -> hostile.mutate(valid.get(random.nextInt(valid.size()))));
  }

  // Inputs within the frame size limit (the oversized ones have tests of their own), as a WebSocket client can send
  // them: a lone surrogate cannot be encoded as UTF-8 by the JDK client, so it becomes U+FFFD here (the decoder's
  // property tests and the byte-level test cover it).
  private static String bounded(java.util.function.Supplier<String> source) {
    for (; ; ) {
      String s = sendable(source.get());
      if (s.getBytes(StandardCharsets.UTF_8).length <= MAX_FRAME_BYTES - 100) {
        return s;
      }
    }
  }

  private static String sendable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(ch).append(s.charAt(++i));
      } else {
        b.append(Character.isSurrogate(ch) ? '\uFFFD' : ch);
      }
    }
    return b.toString();
  }

  private static boolean isJsonObject(String text) {
    try (JsonReader r = Json.createReader(new StringReader(text))) {
      return r.readValue().getValueType() == JsonValue.ValueType.OBJECT;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String context(int i, String frame) {
    String shown = frame.length() > 200 ? frame.substring(0, 200) + "... (" + frame.length() + " chars)" : frame;
    StringBuilder escaped = new StringBuilder();
    shown.chars().forEach(ch -> escaped.append(ch < 0x20 ? String.format("\\u%04x", ch) : String.valueOf((char) ch)));
    return " (seed " + SEED + ", frame #" + i + ": " + escaped + ")";
  }

  private static Path ffdc() {
    return Path.of("target", "liberty", "wlp", "usr", "servers", System.getProperty("sotto.it.server", "sotto-it"), "logs", "ffdc");
  }

  private static Set<String> incidents() throws IOException {
    if (!Files.isDirectory(ffdc())) {
      return Set.of();
    }
    try (Stream<Path> files = Files.list(ffdc())) {
      // One file per incident; the exception_summary file only indexes them.
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("ffdc_")).collect(java.util.stream.Collectors.toSet());
    }
  }

  /** A JDK WebSocket client that keeps every server frame as text, so that a test can look for leaks in it. */
  private static final class Client implements WebSocket.Listener, AutoCloseable {
    private final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final List<String> received = new ArrayList<>();
    private final List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile String closeReason = "";
    private WebSocket ws;

    static Client open() {
      Client c = new Client();
      c.ws =
          Api.HTTP.newWebSocketBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .header("X-Forwarded-Proto", Api.PROXIED_PROTO)
              .header("Origin", SottoWar.ORIGIN)
              .buildAsync(Api.ws(), c)
              .orTimeout(10, TimeUnit.SECONDS)
              .join();
      return c;
    }

    static Client authenticated(Api.Session s) {
      Client c = open();
      c.send("{\"t\":\"auth\",\"token\":\"" + s.token() + "\",\"since\":0}");
      c.until(f -> "welcome".equals(f.getString("t")), "the welcome");
      return c;
    }

    void send(String text) {
      if (!ws.isOutputClosed()) {
        ws.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
      }
    }

    void sendBinary(byte[] bytes) {
      ws.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }

    /** Sends {@code text} as a message of {@code parts} fragments (FIN only on the last). */
    void sendFragmented(String text, int parts) {
      int step = (text.length() + parts - 1) / parts;
      for (int from = 0; from < text.length(); from += step) {
        int to = Math.min(text.length(), from + step);
        ws.sendText(text.substring(from, to), to == text.length()).orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
      }
    }

    /** The next server frame; fails after a bounded wait. */
    JsonObject next(String what) {
      try {
        JsonObject f = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (f == null) {
          throw new AssertionError("timed out waiting for " + what + "; close " + closeCode.getNow(null) + " (seed " + SEED + ")");
        }
        return f;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    /** Every frame up to and including the first that matches {@code p}. */
    List<JsonObject> until(Predicate<JsonObject> p, String what) {
      List<JsonObject> out = new ArrayList<>();
      for (; ; ) {
        JsonObject f = next(what);
        out.add(f);
        if (p.test(f)) {
          return out;
        }
      }
    }

    JsonObject awaitError(String what) {
      List<JsonObject> upToError = until(f -> "error".equals(f.getString("t")), "an error for " + what);
      return upToError.get(upToError.size() - 1);
    }

    int awaitClose() {
      try {
        return closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("the server did not close the socket (seed " + SEED + ")", e);
      }
    }

    boolean isClosed() {
      return closeCode.isDone();
    }

    /** Every frame received and the close reason hold only documented shapes and nothing of the server's insides. */
    void assertNothingLeaked(String context) {
      List<String> all;
      synchronized (received) {
        all = List.copyOf(received);
      }
      for (String frame : all) {
        // A ciphertext or IV is the clients' own random base64url: "CWW" can occur in it by chance (about 2 % of
        // runs for the largest envelope), and it holds nothing of the server's.
        String text = frame.replaceAll("\"(ct|iv)\":\"[A-Za-z0-9_-]*\"", "\"$1\":\"\"");
        for (String leak : LEAKS) {
          assertFalse(text.contains(leak), "a frame leaks '" + leak + "': " + text + " " + context);
        }
      }
      for (String leak : LEAKS) {
        assertFalse(closeReason.contains(leak), "the close reason leaks: " + closeReason + " " + context);
      }
      assertEquals(List.of(), violations, "frames outside docs/PROTOCOL.md " + context);
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        for (String line : partial.toString().split("\n")) {
          synchronized (received) {
            received.add(line);
          }
          JsonObject f;
          try (JsonReader r = Json.createReader(new StringReader(line))) {
            f = r.readObject();
          } catch (RuntimeException e) {
            violations.add("not a JSON object: " + line);
            continue;
          }
          String type = f.getString("t", "");
          if (!SERVER_FRAME_TYPES.contains(type)) {
            violations.add("undocumented frame type: " + line);
          }
          if ("error".equals(type) && !documentedErrorCodes().contains(f.getString("code", ""))) {
            violations.add("undocumented error code: " + line);
          }
          frames.add(f);
        }
        partial.setLength(0);
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      closeReason = reason;
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      closeCode.complete(1006);
    }

    @Override
    public void close() {
      if (!ws.isOutputClosed()) {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
      }
      ws.abort();
      assertNothingLeaked("(seed " + SEED + ")");
    }
  }
}
