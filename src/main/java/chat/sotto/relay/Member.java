package chat.sotto.relay;

import chat.sotto.session.Participant;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One authenticated connection. Outbound frames go through a bounded queue with at most one asynchronous send in
 * flight, so no thread ever waits on a slow client and no lock is held while writing to the socket. While the
 * connection replays missed history, live chat frames are held back and released after the replay, without
 * duplicates.
 */
final class Member {
  static final int SIGNAL_BURST = 100;
  static final double SIGNAL_PER_SECOND = 30;
  /** Largest WebSocket message made of coalesced frames (a single larger frame still goes alone). */
  static final int MAX_COALESCED_CHARS = 65_536;

  final Session socket;
  final String sessionId;
  final String roomId;
  final boolean owner;

  private final int maxQueued;
  private final ArrayDeque<String> queue = new ArrayDeque<>();
  private boolean sending;
  private boolean closed;
  private CloseReason closeWhenDrained;

  private boolean replaying = true;
  private final List<Held> held = new ArrayList<>();
  // Highest seq the client holds: what it said it had, then what the replay sent. Commits take a room's seqs in
  // order, so a live message at or below it was in the replay (it was committed before the replay read, even if
  // its fan-out comes later) and must not be sent twice.
  private long deliveredUpTo;
  private long lastTypingAt;
  private double signalTokens = SIGNAL_BURST;
  private long signalCheckedAt;
  private long lastProfileAt;
  private long highestCounter;

  // Keeps only what it needs of the session (never the entity, which would keep its persistence context alive).
  Member(Session socket, Participant participant, long since, long maxCounter, int maxQueued) {
    this.deliveredUpTo = since;
    this.highestCounter = maxCounter;
    this.socket = socket;
    this.sessionId = participant.id();
    this.roomId = participant.roomId();
    this.owner = participant.owner();
    this.maxQueued = maxQueued;
  }

  /** Queues a frame that is not a stored chat message. */
  void send(String frame) {
    enqueue(frame, false);
  }

  /** Queues a replayed chat message (never dropped for queue size: the replay is bounded by the history limit). */
  void sendReplayed(long seq, String frame) {
    synchronized (this) {
      deliveredUpTo = Math.max(deliveredUpTo, seq);
    }
    enqueue(frame, true);
  }

  /** Queues a live chat message, or holds it until the replay is over; drops one the client already has. */
  void sendLive(long seq, String frame) {
    synchronized (this) {
      if (replaying) {
        held.add(new Held(seq, frame));
        return;
      }
      if (seq <= deliveredUpTo) {
        return;
      }
    }
    enqueue(frame, false);
  }

  /** Ends the replay: held live messages that the replay did not already carry are sent, in order. */
  void replayDone() {
    List<Held> release;
    synchronized (this) {
      replaying = false;
      release = new ArrayList<>(held);
      held.clear();
      long upTo = deliveredUpTo;
      release.removeIf(h -> h.seq <= upTo);
    }
    release.sort((a, b) -> Long.compare(a.seq, b.seq));
    release.forEach(h -> enqueue(h.frame, false));
  }

  /** Sends what is queued, then closes with the given reason. */
  void closeAfterDrain(int code, String phrase) {
    boolean now;
    synchronized (this) {
      if (closed) {
        return;
      }
      closeWhenDrained = new CloseReason(CloseReason.CloseCodes.getCloseCode(code), phrase);
      now = !sending && queue.isEmpty();
    }
    if (now) {
      closeNow(closeWhenDrained);
    }
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

  synchronized void markClosed() {
    closed = true;
    queue.clear();
    held.clear();
  }

  private void enqueue(String frame, boolean unbounded) {
    boolean start = false;
    boolean overflow = false;
    synchronized (this) {
      if (closed || closeWhenDrained != null) {
        return;
      }
      if (!unbounded && queue.size() >= maxQueued) {
        overflow = true;
      } else {
        queue.add(frame);
        start = !sending;
        if (start) {
          sending = true;
        }
      }
    }
    if (overflow) {
      closeNow(new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "too slow"));
    } else if (start && !Coalescing.defer(this)) {
      pump();
    }
  }

  /** Starts sending what a deferred enqueue left queued (see {@link Coalescing}). */
  void flush() {
    pump();
  }

  // Sends queued frames one at a time. A send that completes inline continues the loop here; one that completes
  // later continues from its completion handler. Exactly one of the two goes on, so there is no recursion.
  private void pump() {
    for (; ; ) {
      String next;
      CloseReason closeReason = null;
      synchronized (this) {
        next = queue.poll();
        if (next != null && !queue.isEmpty()) {
          next = coalesce(next);
        }
        if (next == null) {
          sending = false;
          if (closeWhenDrained != null && !closed) {
            closeReason = closeWhenDrained;
          }
        }
      }
      if (next == null) {
        if (closeReason != null) {
          closeNow(closeReason);
        }
        return;
      }
      Send send = new Send();
      try {
        socket.getAsyncRemote().sendText(next, send::completed);
      } catch (RuntimeException e) {
        markClosed();
        return;
      }
      if (!send.returned()) {
        return;
      }
      if (!send.ok) {
        closeNow(new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "too slow"));
        return;
      }
    }
  }

  // Several queued frames go out as one WebSocket message, one frame per line (PROTOCOL.md): one write instead of many.
  private String coalesce(String first) {
    StringBuilder b = new StringBuilder(Math.min(MAX_COALESCED_CHARS, first.length() * (queue.size() + 1) + 16));
    b.append(first);
    String more;
    while ((more = queue.peek()) != null && b.length() + 1 + more.length() <= MAX_COALESCED_CHARS) {
      b.append('\n').append(queue.poll());
    }
    return b.toString();
  }

  private void closeNow(CloseReason reason) {
    markClosed();
    try {
      socket.close(reason);
    } catch (IOException | RuntimeException e) {
      // already closed by the peer
    }
  }

  private record Held(long seq, String frame) {}

  private final class Send {
    private boolean returned;
    private boolean completed;
    private boolean ok;

    synchronized boolean returned() {
      returned = true;
      return completed;
    }

    void completed(SendResult result) {
      boolean continueHere;
      synchronized (this) {
        ok = result.isOK();
        completed = true;
        continueHere = returned;
      }
      if (!continueHere) {
        return;
      }
      if (ok) {
        pump();
      } else {
        closeNow(new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "too slow"));
      }
    }
  }
}
