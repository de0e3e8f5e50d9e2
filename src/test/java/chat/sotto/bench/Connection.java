package chat.sotto.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One member's WebSocket, as a browser tab holds it: authenticates with its first frame, then sends and receives
 * frames. Sends go out in order from any thread ({@link NioWebSocket}); incoming frames are classified from their
 * bytes and handed to the run's {@link Observer}, on the socket's selector thread, so receiver state is touched by
 * one thread at a time (it is still read under this object's lock after the run).
 */
final class Connection implements NioWebSocket.Listener {
  /** What a run does with the frames its connections receive. Every method may be called from many threads. */
  interface Observer {
    default void welcomed(Connection c, long nanos) {}

    default void message(Connection receiver, String from, long counter, long nanos) {}

    default void ack(Connection sender, long counter) {}

    default void refused(Connection sender, String code, long counter, long retryAfterMs) {}

    default void presence(Connection receiver, int online, int frameChars, long nanos) {}

    default void pong(Connection c) {}

    default void closed(Connection c, int code, boolean expected) {}

    default void sendFailed(Connection c, Throwable error) {}
  }

  final BenchApi.Session session;
  /** Position of this member in its room, 0 = owner. */
  final int slot;
  final int roomSize;

  private final Observer observer;
  private volatile NioWebSocket socket;
  private volatile boolean closing;
  final CompletableFuture<Long> welcomed = new CompletableFuture<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();

  /**
   * The run's own per-sender state for this connection ({@link Deliveries}), set before the socket opens: found
   * by a field read rather than a map lookup per message.
   */
  volatile Object ledger;

  /** Receiver side: the counters seen from each member of the room, by slot. Guarded by this. */
  private final BitSet[] seen;

  /** Sender side: the next counter to use (one sending thread at a time; raised by the welcome's maxCounter). */
  private volatile long nextCounter = 1;

  /** The seq this connection resumes from ({@code since} of its auth frame). */
  private final long since;

  /** Highest seq of a chat message received here: what a reconnect resumes from. */
  private volatile long lastSeq;

  /**
   * Sender ids seen in this connection's frames (open addressing by their bytes), so that a frame names its sender
   * with the same String every time: no String per frame, and the String's cached hash makes the observer's lookup
   * cheap. Selector thread only.
   */
  private byte[][] nameBytes;

  private String[] names;
  private int nameCount;
  private static final int MAX_NAMES = 4_096;

  Connection(BenchApi.Session session, int slot, int roomSize, Observer observer) {
    this(session, slot, roomSize, observer, 0);
  }

  /** A connection that resumes after {@code since}, as a reconnecting browser tab does. */
  Connection(BenchApi.Session session, int slot, int roomSize, Observer observer, long since) {
    this.session = session;
    this.slot = slot;
    this.roomSize = roomSize;
    this.observer = observer;
    this.seen = new BitSet[roomSize];
    this.since = since;
    this.lastSeq = since;
  }

  /** Opens the socket on one of {@code selectors} and sends the auth frame; completes when the welcome arrives. */
  CompletableFuture<Long> open(Selectors selectors, URI ws, Duration timeout) {
    NioWebSocket.connect(selectors.next(), ws, this);
    welcomed.whenComplete(
        (t, e) -> {
          NioWebSocket s = socket;
          if (e != null && s != null) {
            s.abort(); // a handshake or auth that took too long holds no socket
          }
        });
    return welcomed.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  long takeCounter() {
    return nextCounter++;
  }

  long lastSeq() {
    return lastSeq;
  }

  /** Frames queued and not yet taken by the socket: a sender that wants to go as fast as the socket allows keeps this small. */
  int pending() {
    NioWebSocket s = socket;
    return s == null ? 0 : s.queued();
  }

  /** The server is about to close this socket on purpose (leave, room closed): that close is expected. */
  void expectClose() {
    closing = true;
  }

  /** Sends a text frame; frames go out in order. */
  void send(String frame) {
    NioWebSocket s = socket;
    if (closing || s == null) {
      return;
    }
    try {
      if (!s.sendText(frame) && !closing) {
        observer.sendFailed(this, new IOException("socket closed")); // as a send on a closed socket fails
      }
    } catch (IOException e) {
      if (!closing) {
        observer.sendFailed(this, e);
      }
    }
  }

  /** True the first time counter {@code c} of the member in {@code senderSlot} arrives here. */
  synchronized boolean firstSight(int senderSlot, long c) {
    BitSet s = seen[senderSlot];
    if (s == null) {
      s = seen[senderSlot] = new BitSet();
    }
    if (s.get((int) c)) {
      return false;
    }
    s.set((int) c);
    return true;
  }

  /** Counters of {@code wanted} that never arrived here from the member in {@code senderSlot}. */
  synchronized int missing(int senderSlot, BitSet wanted) {
    BitSet missing = (BitSet) wanted.clone();
    if (seen[senderSlot] != null) {
      missing.andNot(seen[senderSlot]);
    }
    return missing.cardinality();
  }

  /** Sends a close frame and, after a bounded wait for the server's, drops the connection. */
  CompletableFuture<Integer> close(Duration wait) {
    closing = true;
    NioWebSocket s = socket;
    if (s == null) {
      closed.complete(1006);
      return closed;
    }
    s.sendClose(1000, "done");
    return closed
        .completeOnTimeout(1006, wait.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((code, e) -> s.abort());
  }

  boolean isOpen() {
    return socket != null && !closed.isDone();
  }

  @Override
  public void onOpen(NioWebSocket ws) {
    socket = ws;
    if (closed.isDone()) {
      ws.abort(); // closed before the handshake was done
      return;
    }
    try {
      ws.sendText(Wire.auth(session.token(), since));
    } catch (IOException e) {
      welcomed.completeExceptionally(e);
    }
  }

  // ---- receiving: frames read from bytes ----

  private static final byte[] TYPE = ascii("{\"t\":\"");
  private static final byte[] MSG = ascii("msg\"");
  private static final byte[] ACK = ascii("ack\"");
  private static final byte[] PRESENCE = ascii("presence\"");
  private static final byte[] WELCOME = ascii("welcome\"");
  private static final byte[] ERROR = ascii("error\"");
  private static final byte[] PONG = ascii("pong\"");
  private static final byte[] SEQ = ascii("\"seq\":");
  private static final byte[] C = ascii("\"c\":");
  private static final byte[] FROM = ascii("\"from\":\"");
  private static final byte[] ONLINE = ascii("\"online\":[");
  private static final byte[] MAX_COUNTER = ascii("\"maxCounter\":");

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  // A WebSocket message carries one or more frames, one per line (PROTOCOL.md).
  @Override
  public void onText(byte[] data, int from, int to, long nanos) {
    int start = from;
    for (int i = from; i < to; i++) {
      if (data[i] == '\n') {
        frame(data, start, i, nanos);
        start = i + 1;
      }
    }
    frame(data, start, to, nanos);
  }

  private void frame(byte[] d, int s, int e, long now) {
    if (!at(d, s, e, TYPE)) {
      return;
    }
    int t = s + TYPE.length;
    if (at(d, t, e, MSG)) {
      long seq = number(d, s, e, SEQ);
      if (seq > lastSeq) {
        lastSeq = seq;
      }
      observer.message(this, name(d, s, e), number(d, s, e, C), now);
    } else if (at(d, t, e, ACK)) {
      observer.ack(this, number(d, s, e, C));
    } else if (at(d, t, e, PRESENCE)) {
      observer.presence(this, arrayLength(d, s, e, ONLINE), e - s, now);
    } else if (at(d, t, e, WELCOME)) {
      // A resumed session continues above the highest counter the server has seen from it, as the browser does.
      nextCounter = Math.max(nextCounter, number(d, s, e, MAX_COUNTER) + 1);
      if (welcomed.complete(now)) {
        observer.welcomed(this, now);
      }
    } else if (at(d, t, e, ERROR)) {
      String frame = new String(d, s, e - s, StandardCharsets.UTF_8); // rare: the String helpers do
      observer.refused(
          this,
          String.valueOf(Wire.string(frame, "code")),
          Wire.number(frame, "c"),
          Wire.number(frame, "retryAfterMs"));
    } else if (at(d, t, e, PONG)) {
      observer.pong(this);
    }
    // typing, profile, left, gone: not part of these loads
  }

  private static boolean at(byte[] d, int i, int e, byte[] key) {
    return e - i >= key.length && Arrays.equals(d, i, i + key.length, key, 0, key.length);
  }

  /** A non-negative integer member's value, or -1. */
  private static long number(byte[] d, int s, int e, byte[] key) {
    int at = NioWebSocket.indexOf(d, s, e, key);
    if (at < 0) {
      return -1;
    }
    long v = 0;
    int i = at + key.length;
    int digits = 0;
    for (; i < e && d[i] >= '0' && d[i] <= '9'; i++, digits++) {
      v = v * 10 + (d[i] - '0');
    }
    return digits == 0 ? -1 : v;
  }

  /** Entries of a string array member ({@code "online":[...]}), or -1. */
  private static int arrayLength(byte[] d, int s, int e, byte[] key) {
    int at = NioWebSocket.indexOf(d, s, e, key);
    if (at < 0) {
      return -1;
    }
    int quotes = 0;
    for (int i = at + key.length; i < e; i++) {
      if (d[i] == ']') {
        return quotes / 2;
      }
      if (d[i] == '"') {
        quotes++;
      }
    }
    return -1;
  }

  /** The {@code from} member, as the same String for the same sender every time; null if absent. */
  private String name(byte[] d, int s, int e) {
    int at = NioWebSocket.indexOf(d, s, e, FROM);
    if (at < 0) {
      return null;
    }
    int from = at + FROM.length;
    int to = from;
    while (to < e && d[to] != '"') {
      to++;
    }
    if (to == e) {
      return null;
    }
    int h = 1;
    for (int i = from; i < to; i++) {
      h = 31 * h + d[i];
    }
    h ^= h >>> 16;
    if (names == null) {
      names = new String[16];
      nameBytes = new byte[16][];
    }
    int mask = names.length - 1;
    int i = h & mask;
    for (byte[] k = nameBytes[i]; k != null; i = (i + 1) & mask, k = nameBytes[i]) {
      if (Arrays.equals(k, 0, k.length, d, from, to)) {
        return names[i];
      }
    }
    String name = new String(d, from, to - from, StandardCharsets.UTF_8);
    if (nameCount < MAX_NAMES) {
      nameBytes[i] = Arrays.copyOfRange(d, from, to);
      names[i] = name;
      if (++nameCount * 2 > names.length) {
        rehash();
      }
    }
    return name;
  }

  private void rehash() {
    byte[][] oldBytes = nameBytes;
    String[] oldNames = names;
    nameBytes = new byte[oldBytes.length * 2][];
    names = new String[oldNames.length * 2];
    int mask = names.length - 1;
    for (int j = 0; j < oldBytes.length; j++) {
      byte[] k = oldBytes[j];
      if (k == null) {
        continue;
      }
      int h = 1;
      for (byte b : k) {
        h = 31 * h + b;
      }
      h ^= h >>> 16;
      int i = h & mask;
      while (nameBytes[i] != null) {
        i = (i + 1) & mask;
      }
      nameBytes[i] = k;
      names[i] = oldNames[j];
    }
  }

  @Override
  public void onClose(int code, String reason) {
    if (closed.complete(code)) {
      observer.closed(this, code, closing);
    }
    welcomed.completeExceptionally(new IllegalStateException("closed " + code));
  }

  @Override
  public void onError(Throwable error) {
    if (closed.complete(1006)) {
      observer.closed(this, 1006, closing);
    }
    welcomed.completeExceptionally(error);
  }
}
