package chat.sotto.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A WebSocket client of the relay that records every frame it receives and the close code. */
public final class RelayClient implements WebSocket.Listener, AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final List<JsonObject> seen = new ArrayList<>();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final java.util.Map<String, Long> arrivals = new java.util.concurrent.ConcurrentHashMap<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket socket;
  private JsonObject welcome;
  private volatile Throwable error;

  private RelayClient() {}

  /** Opens a socket without authenticating, optionally with an Origin header. */
  public static RelayClient open(String origin) {
    return open(Api.ws(), origin);
  }

  /** Opens a socket to the relay at {@code ws} without authenticating. */
  public static RelayClient open(java.net.URI ws, String origin) {
    RelayClient c = new RelayClient();
    WebSocket.Builder b =
        Api.HTTP.newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .header("X-Forwarded-Proto", Api.PROXIED_PROTO);
    if (origin != null) {
      b.header("Origin", origin);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (; ; ) {
      try {
        c.socket = b.buildAsync(ws, c).join();
        return c;
      } catch (java.util.concurrent.CompletionException e) {
        // every test comes from one client address: a burst of handshakes may wait its turn under the per-client
        // budget (FairnessIT's subject), polling for a bounded time
        boolean turnedAway =
            e.getCause() instanceof java.net.http.WebSocketHandshakeException h && h.getResponse().statusCode() == 429;
        if (!turnedAway || System.nanoTime() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException i) {
          Thread.currentThread().interrupt();
          throw new AssertionError(i);
        }
      }
    }
  }

  /** Opens a socket, authenticates with {@code since} and waits for the welcome frame. */
  public static RelayClient connect(Api.Session s, long since) {
    return connect(Api.ws(), s, since);
  }

  /** Opens a socket to the relay at {@code ws}, authenticates with {@code since} and waits for the welcome. */
  public static RelayClient connect(java.net.URI ws, Api.Session s, long since) {
    RelayClient c = open(ws, "http://" + ws.getHost() + ":" + ws.getPort());
    c.send("{\"t\":\"auth\",\"token\":\"" + s.token() + "\",\"since\":" + since + "}");
    c.welcome = c.await("welcome");
    return c;
  }

  /** Opens a socket for a knocking session, authenticates and waits for the {@code waiting} frame. */
  public static RelayClient knock(Api.Session s) {
    return knock(Api.ws(), s);
  }

  /** Opens a socket to the relay at {@code ws} for a knocking session and waits for the {@code waiting} frame. */
  public static RelayClient knock(java.net.URI ws, Api.Session s) {
    RelayClient c = open(ws, "http://" + ws.getHost() + ":" + ws.getPort());
    c.send("{\"t\":\"auth\",\"token\":\"" + s.token() + "\",\"since\":0}");
    c.welcome = c.await("waiting");
    return c;
  }

  /** The welcome frame received when {@link #connect} authenticated ({@code waiting} after {@link #knock}). */
  public JsonObject welcome() {
    return welcome;
  }

  /**
   * Sends one text message. A send that fails means the connection is gone: it then counts as closed abnormally
   * (1006), since the JDK client does not always tell its listener when the server ended the connection while it was
   * writing (seen under load: the write fails with "closed output", and no onClose or onError ever comes).
   */
  public void send(String text) {
    try {
      socket.sendText(text, true).join();
    } catch (java.util.concurrent.CompletionException e) {
      if (error == null) {
        error = e.getCause();
      }
      closeCode.complete(1006);
      throw e;
    }
  }

  /** Sends a chat envelope with random IV and ciphertext of {@code bytes} bytes. */
  public String sendEnvelope(long counter, int bytes) {
    String frame = envelope("msg", counter, bytes);
    send(frame);
    return frame;
  }

  public static String envelope(String type, long counter, int bytes) {
    return "{\"t\":\""
        + type
        + "\",\"c\":"
        + counter
        + ",\"iv\":\""
        + Api.random(12)
        + "\",\"ct\":\""
        + Api.random(bytes)
        + "\"}";
  }

  public void sendBinary(byte[] data) {
    socket.sendBinary(ByteBuffer.wrap(data), true).join();
  }

  /** The next frame of type {@code t}, skipping others; fails after a bounded wait. */
  public JsonObject await(String t) {
    return await(f -> t.equals(f.getString("t", "")), "a '" + t + "' frame");
  }

  /** The next frame matching {@code p}, skipping others; fails after a bounded wait. */
  public JsonObject await(Predicate<JsonObject> p, String what) {
    return await(p, what, WAIT);
  }

  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** The next frame matching {@code p}, skipping others; fails after {@code wait}, or at once once closed. */
  public JsonObject await(Predicate<JsonObject> p, String what, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      for (; ; ) {
        long left = deadline - System.nanoTime();
        // In slices, so that a socket the server closed fails the wait at once: no frame can come any more.
        JsonObject f = left > 0 ? frames.poll(Math.min(left, SLICE_NANOS), TimeUnit.NANOSECONDS) : null;
        if (f == null && left > SLICE_NANOS && !(closeCode.isDone() && frames.isEmpty())) {
          continue;
        }
        if (f == null) {
          throw new AssertionError(
              "timed out waiting for " + what + "; close code " + closeCode.getNow(null) + " " + closeReason, error);
        }
        if (p.test(f)) {
          return f;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Collects {@code n} chat message frames (skipping others). */
  public List<JsonObject> messages(int n) {
    List<JsonObject> out = new ArrayList<>();
    while (out.size() < n) {
      out.add(await("msg"));
    }
    return out;
  }

  /** When (System.nanoTime) the chat message of {@code from} with counter {@code c} arrived, or null. */
  public Long arrivalNanos(String from, long c) {
    return arrivals.get(from + ":" + c);
  }

  /** Frames received and not yet consumed by an await, without waiting. */
  public List<JsonObject> drain() {
    List<JsonObject> out = new ArrayList<>();
    frames.drainTo(out);
    return out;
  }

  /** The close code the server sent, waiting a bounded time for it. */
  public int awaitClose() {
    try {
      return closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the server did not close the socket", e);
    }
  }

  public boolean isClosed() {
    return closeCode.isDone();
  }

  /** Drops the TCP connection without a close handshake, like a network failure. */
  public void abort() {
    socket.abort();
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
    socket.abort();
  }

  @Override
  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      // One message may carry several frames, one per line (PROTOCOL.md).
      for (String line : partial.toString().split("\n")) {
        try (JsonReader r = Json.createReader(new StringReader(line))) {
          JsonObject f = r.readObject();
          if ("msg".equals(f.getString("t", ""))) {
            arrivals.put(f.getString("from") + ":" + f.getJsonNumber("c").longValue(), System.nanoTime());
          }
          synchronized (seen) {
            seen.add(f);
          }
          frames.add(f);
        }
      }
      partial.setLength(0);
    }
    ws.request(1);
    return null;
  }

  private volatile String closeReason = "";

  @Override
  public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
    closeReason = reason;
    closeCode.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket ws, Throwable error) {
    this.error = error;
    closeCode.complete(1006);
  }
}
