package chat.sotto.relay;

import chat.sotto.limits.Limit;
import chat.sotto.metrics.RelayMetrics;
import chat.sotto.room.RoomId;
import chat.sotto.session.Participant;
import chat.sotto.session.SessionId;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One authenticated connection: who it is, its {@link Outbox}, the replay gate and its in-memory limits. While the
 * connection replays missed history, live chat frames are held back and released after the replay, without
 * duplicates; what is held is bounded too (see {@link #sendLive}).
 */
final class Member implements Outbox.Transport {
  static final int SIGNAL_BURST = 100;
  static final double SIGNAL_PER_SECOND = 30;

  final Session socket;
  final SessionId sessionId;
  final RoomId roomId;
  /** False for a knocking session's connection: it gets nothing of the room (see {@link LocalRooms}). */
  final boolean admitted;
  // Follows a hand-over of the room (an OWNER event), so the owner's grace clock and knocks follow the new owner.
  private volatile boolean owner;

  private final Outbox outbox;
  private final int heldBudget;
  private final RelayMetrics metrics;

  private boolean replaying = true;
  private final List<Held> held = new ArrayList<>();
  private int heldChars;
  // Counts the times held messages were let go during the replay; the replay may end only with a read that began
  // after the last of them (see Relay#replay).
  private int heldDrops;
  // Highest seq the client holds: what it said it had, then what the replay sent. Commits take a room's seqs in
  // order, so a live message at or below it was in the replay (it was committed before the replay read, even if
  // its fan-out comes later) and must not be sent twice.
  private long deliveredUpTo;
  private long lastTypingAt;
  private final MemoryBucket refusals = new MemoryBucket();
  private double signalTokens = SIGNAL_BURST;
  private long signalCheckedAt;
  private long lastProfileAt;
  private long highestCounter;

  // Keeps only what it needs of the session (never the entity, which would keep its persistence context alive).
  Member(Session socket, Participant participant, long since, long maxCounter, int budgetChars, RelayMetrics metrics) {
    this.deliveredUpTo = since;
    this.highestCounter = maxCounter;
    this.socket = socket;
    this.sessionId = participant.id();
    this.roomId = participant.roomId();
    this.owner = participant.owner();
    this.admitted = participant.admitted();
    this.outbox = new Outbox(this, budgetChars);
    this.heldBudget = budgetChars / 4;
    this.metrics = metrics;
  }

  boolean owner() {
    return owner;
  }

  void owner(boolean owner) {
    this.owner = owner;
  }

  /** Queues a frame that is not a stored chat message. */
  void send(String frame) {
    send(frame, Coalescing.deferred());
  }

  /**
   * Queues a frame; when this starts the connection's next write, the write begins at the end of the batch being
   * reported if {@code deferred} is that batch's list ({@link Coalescing#deferred()}), else now.
   */
  void send(String frame, List<Member> deferred) {
    if (outbox.add(frame)) {
      if (deferred == null) {
        outbox.flush();
      } else {
        deferred.add(this);
      }
    }
  }

  /** Queues a replayed chat message (the caller counts it); the replay reads only as much as fits ({@link #replayRoom()}). */
  void sendReplayed(long seq, String frame) {
    synchronized (this) {
      deliveredUpTo = Math.max(deliveredUpTo, seq);
    }
    send(frame);
  }

  /**
   * Queues a live chat message, or holds it until the replay is over; drops one the client already has. Held
   * messages are bounded by a quarter of the byte budget: past it they are let go, and the replay reads them from the
   * database instead (every message that was fanned out before that moment is committed, so a later read sees it).
   * True when the frame was queued now (the caller counts deliveries: one metrics call per fan-out, not per member).
   */
  boolean sendLive(long seq, String frame, List<Member> deferred) {
    synchronized (this) {
      if (replaying) {
        if (heldChars + frame.length() > heldBudget) {
          held.clear();
          heldChars = 0;
          heldDrops++;
        } else {
          held.add(new Held(seq, frame));
          heldChars += frame.length();
        }
        return false;
      }
      if (seq <= deliveredUpTo) {
        return false;
      }
    }
    send(frame, deferred);
    return true;
  }

  /** The seq after which the replay reads next. */
  synchronized long replayedUpTo() {
    return deliveredUpTo;
  }

  /** How often held messages were let go so far; pass it to {@link #replayDone(int)} after the next read. */
  synchronized int heldDrops() {
    return heldDrops;
  }

  /** Characters of replayed frames that may be queued now: half the budget, so live frames keep the other half. */
  int replayRoom() {
    return outbox.free() - outbox.budget() / 2;
  }

  /** Runs {@code then} once the replay has room for {@code chars} again; false if it has room now (or is closed). */
  boolean whenReplayRoom(int chars, Runnable then) {
    return outbox.whenFree(Math.min(outbox.budget(), outbox.budget() / 2 + chars), then);
  }

  /**
   * Ends the replay, unless held messages were let go since {@code dropsBeforeLastRead} (then the replay must read
   * once more and this returns false). Held live messages that the replay did not already carry are sent, in order.
   */
  boolean replayDone(int dropsBeforeLastRead) {
    List<Held> release;
    synchronized (this) {
      if (heldDrops != dropsBeforeLastRead) {
        return false;
      }
      replaying = false;
      release = new ArrayList<>(held);
      held.clear();
      heldChars = 0;
      long upTo = deliveredUpTo;
      release.removeIf(h -> h.seq <= upTo);
    }
    release.sort((a, b) -> Long.compare(a.seq, b.seq));
    metrics.delivered(release.size());
    release.forEach(h -> send(h.frame));
    return true;
  }

  /** Sends what is queued, then closes with the given code. */
  void closeAfterDrain(CloseCode code) {
    outbox.closeAfterDrain(code);
  }

  /** Drops what is queued and closes. */
  void closeNow(CloseCode code) {
    outbox.closeNow(code);
  }

  boolean closed() {
    return outbox.closed();
  }

  /** Bytes queued for this connection, the write in flight included (frames are ASCII: a char is a byte). */
  int queuedBytes() {
    return outbox.budget() - outbox.free();
  }

  /** Lets go of the connection's queue and held messages if its write is stuck (see {@link StuckWrites}). */
  boolean giveUpIfStuck(long now, long limitNanos) {
    if (!outbox.giveUpIfStuck(now, limitNanos)) {
      return false;
    }
    synchronized (this) {
      held.clear();
      heldChars = 0;
    }
    return true;
  }

  /**
   * Notes a chat counter about to be stored. False when it is above every counter this session used before (so it
   * cannot be a resend and the writer need not look it up); true when it may repeat one.
   */
  synchronized boolean mayRepeat(long counter) {
    if (counter > highestCounter) {
      highestCounter = counter;
      return false;
    }
    return true;
  }

  /** Rate-limits typing frames in memory: true if at least {@code gapMillis} passed since the last one. */
  /**
   * Notes a chat message refused for its rate at {@code now}; true once refusals come faster than {@code limit}
   * allows: the client ignores the wait it is told ({@code retryAfterMs}) and only keeps the node busy.
   */
  boolean refusedTooOften(Limit limit, long now) {
    return refusals.take(limit, now) > 0;
  }

  synchronized boolean typingAllowed(long now, long gapMillis) {
    if (now - lastTypingAt < gapMillis) {
      return false;
    }
    lastTypingAt = now;
    return true;
  }

  synchronized boolean profileAllowed(long now, long gapMillis) {
    if (now - lastProfileAt < gapMillis) {
      return false;
    }
    lastProfileAt = now;
    return true;
  }

  /**
   * Call signaling budget, kept in memory (signaling is never stored): {@link #SIGNAL_PER_SECOND} per second with
   * bursts of {@link #SIGNAL_BURST}, enough for ICE candidate bursts, not for floods.
   */
  synchronized boolean signalAllowed(long now) {
    signalTokens = Math.min(SIGNAL_BURST, signalTokens + (now - signalCheckedAt) * SIGNAL_PER_SECOND / 1000.0);
    signalCheckedAt = now;
    if (signalTokens < 1) {
      return false;
    }
    signalTokens -= 1;
    return true;
  }

  void markClosed() {
    outbox.markClosed();
    synchronized (this) {
      held.clear();
      heldChars = 0;
    }
  }

  /** Starts sending what a deferred {@link #send} left queued (see {@link Coalescing}). */
  void flush() {
    outbox.flush();
  }

  @Override
  public void send(String text, SendHandler done) {
    socket.getAsyncRemote().sendText(text, done);
  }

  @Override
  public void close(CloseCode code) {
    metrics.closed(code.code(), code);
    try {
      socket.close(code.reason());
    } catch (IOException | RuntimeException e) {
      // already closed by the peer
    }
  }

  private record Held(long seq, String frame) {}
}
