package chat.sotto.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One member's WebSocket, as a browser tab holds it: authenticates with its first frame, then sends and receives
 * frames. Outgoing frames are queued so that at most one send is in flight (java.net.http's rule); incoming frames
 * are classified and handed to the run's {@link Observer}. The JDK calls a listener sequentially, so receiver state
 * is touched by one thread at a time; it is still read under this object's lock after the run.
 */
final class Connection implements WebSocket.Listener {
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
  private final StringBuilder partial = new StringBuilder();
  private final ArrayDeque<String> outbox = new ArrayDeque<>();
  private boolean writing;
  private volatile WebSocket socket;
  private volatile boolean closing;
  final CompletableFuture<Long> welcomed = new CompletableFuture<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();

  /** Receiver side: the counters seen from each member of the room, by slot. Guarded by this. */
  private final BitSet[] seen;

  /** Sender side: the next counter to use (one sending thread at a time; raised by the welcome's maxCounter). */
  private volatile long nextCounter = 1;

  /** The seq this connection resumes from ({@code since} of its auth frame). */
  private final long since;

  /** Highest seq of a chat message received here: what a reconnect resumes from. */
  private volatile long lastSeq;

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

  /** Opens the socket and sends the auth frame; completes when the welcome arrives. */
  CompletableFuture<Long> open(HttpClient client, URI ws, Duration timeout) {
    client
        .newWebSocketBuilder()
        .connectTimeout(timeout)
        .buildAsync(ws, this)
        .whenComplete(
            (s, e) -> {
              if (e != null) {
                welcomed.completeExceptionally(e);
                closed.complete(1006);
              } else {
                send(Wire.auth(session.token(), since));
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

  /** Frames queued or being written: a sender that wants to go as fast as the socket allows keeps this small. */
  synchronized int pending() {
    return outbox.size() + (writing ? 1 : 0);
  }

  /** The server is about to close this socket on purpose (leave, room closed): that close is expected. */
  void expectClose() {
    closing = true;
  }

  /** Queues a text frame; frames go out in order, one send in flight at a time. */
  void send(String frame) {
    synchronized (this) {
      if (closing || socket == null) {
        return;
      }
      if (writing) {
        outbox.add(frame);
        return;
      }
      writing = true;
    }
    write(frame);
  }

  private void write(String frame) {
    String next = frame;
    while (next != null) {
      CompletableFuture<WebSocket> sent;
      try {
        sent = socket.sendText(next, true);
      } catch (RuntimeException e) {
        observer.sendFailed(this, e);
        synchronized (this) {
          writing = false;
          outbox.clear();
        }
        return;
      }
      if (!sent.isDone()) {
        sent.whenComplete((w, e) -> afterSend(e, true));
        return;
      }
      next = afterSend(sent.isCompletedExceptionally() ? sent.handle((w, e) -> e).join() : null, false);
    }
  }

  // Returns the next frame to write inline, or continues writing itself when called from a completion.
  private String afterSend(Throwable error, boolean continueHere) {
    if (error != null && !closing) {
      observer.sendFailed(this, error);
    }
    String next;
    synchronized (this) {
      next = outbox.poll();
      if (next == null) {
        writing = false;
      }
    }
    if (continueHere && next != null) {
      write(next);
      return null;
    }
    return next;
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

  /** Sends a close frame and, after a bounded wait, drops the connection. */
  CompletableFuture<Integer> close(Duration wait) {
    WebSocket s = socket;
    synchronized (this) {
      closing = true;
      outbox.clear();
    }
    if (s == null) {
      closed.complete(1006);
      return closed;
    }
    s.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
    return closed
        .completeOnTimeout(1006, wait.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((code, e) -> s.abort());
  }

  boolean isOpen() {
    return socket != null && !closed.isDone();
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    socket = webSocket;
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    long now = System.nanoTime();
    if (!last) {
      partial.append(data);
    } else if (partial.length() > 0) {
      partial.append(data);
      String frame = partial.toString();
      partial.setLength(0);
      handle(frame, now);
    } else {
      handle(data.toString(), now);
    }
    webSocket.request(1);
    return null;
  }

  // A WebSocket message carries one or more frames, one per line (PROTOCOL.md).
  private void handle(String message, long now) {
    int start = 0;
    for (int nl = message.indexOf('\n'); nl >= 0; nl = message.indexOf('\n', start)) {
      handleFrame(message.substring(start, nl), now);
      start = nl + 1;
    }
    handleFrame(start == 0 ? message : message.substring(start), now);
  }

  private void handleFrame(String frame, long now) {
    switch (Wire.type(frame)) {
      case "msg" -> {
        lastSeq = Math.max(lastSeq, Wire.number(frame, "seq"));
        observer.message(this, Wire.string(frame, "from"), Wire.number(frame, "c"), now);
      }
      case "ack" -> observer.ack(this, Wire.number(frame, "c"));
      case "presence" -> observer.presence(this, Wire.arrayLength(frame, "online"), frame.length(), now);
      case "welcome" -> {
        // A resumed session continues above the highest counter the server has seen from it, as the browser does.
        nextCounter = Math.max(nextCounter, Wire.number(frame, "maxCounter") + 1);
        if (welcomed.complete(now)) {
          observer.welcomed(this, now);
        }
      }
      case "error" ->
          observer.refused(
              this,
              String.valueOf(Wire.string(frame, "code")),
              Wire.number(frame, "c"),
              Wire.number(frame, "retryAfterMs"));
      case "pong" -> observer.pong(this);
      default -> {
        // typing, profile, left, gone: not part of these loads
      }
    }
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    if (closed.complete(statusCode)) {
      observer.closed(this, statusCode, closing);
    }
    welcomed.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    if (closed.complete(1006)) {
      observer.closed(this, 1006, closing);
    }
    welcomed.completeExceptionally(error);
  }
}
