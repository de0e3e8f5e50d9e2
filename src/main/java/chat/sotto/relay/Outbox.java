package chat.sotto.relay;

import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.util.ArrayDeque;

/**
 * One connection's outbound queue. It holds at most a byte budget (what is queued plus the message being written),
 * so a client that stops reading costs the node a bounded amount of memory: past the budget the connection is closed
 * ({@link CloseCode#TOO_SLOW}). At most one asynchronous send is in flight, so no thread waits on a slow client and no
 * lock is held while writing; frames queued meanwhile go out together as one WebSocket message, one frame per line
 * (docs/PROTOCOL.md). Frames are JSON of ASCII characters only, so a frame's length is its size on the wire.
 */
final class Outbox {
  /** Largest WebSocket message made of coalesced frames (a single larger frame still goes alone). */
  static final int MAX_COALESCED_CHARS = 65_536;

  /** Where the outbox writes: the WebSocket, or a test's stand-in. */
  interface Transport {
    /** Starts writing one text message; {@code done} is called once, possibly before this returns. */
    void send(String text, SendHandler done);

    /** Closes the connection with {@code code} (it need not wait for a write in progress). */
    void close(CloseCode code);
  }

  private final Transport transport;
  private final int budget;
  private final ArrayDeque<String> queue = new ArrayDeque<>();
  private int queuedChars;
  private int inFlightChars;
  // When the message in flight started (System.nanoTime): read by the watchdog, see #giveUpIfStuck.
  private long inFlightSince;
  private boolean sending;
  private boolean closed;
  // A close asked for while a write was in flight: done when the write ends (Liberty's close would wait for it).
  private CloseCode closeAfterWrite;
  private boolean givenUp;
  private CloseCode closeWhenDrained;
  private int roomAt;
  private Runnable whenRoom;

  Outbox(Transport transport, int budgetChars) {
    this.transport = transport;
    this.budget = budgetChars;
  }

  /**
   * Queues a frame. Returns true when the caller must start sending with {@link #flush()} (now, or at the end of the
   * batch that is being reported: see {@link Coalescing}); false when a send is already under way, the frame did not
   * fit in the budget (the connection is then closed) or the outbox is closed.
   */
  boolean add(String frame) {
    synchronized (this) {
      if (closed || closeWhenDrained != null) {
        return false;
      }
      if (queuedChars + inFlightChars + frame.length() <= budget) {
        queue.add(frame);
        queuedChars += frame.length();
        if (sending) {
          return false;
        }
        sending = true;
        return true;
      }
    }
    closeNow(CloseCode.TOO_SLOW);
    return false;
  }

  /** Characters that may still be queued before the budget is reached. */
  synchronized int free() {
    return budget - queuedChars - inFlightChars;
  }

  int budget() {
    return budget;
  }

  /**
   * Runs {@code then} once at least {@code chars} of the budget are free, after a write completes (on the thread that
   * reports it). Returns false, and does not keep {@code then}, when that much is free already or the outbox is closed.
   */
  synchronized boolean whenFree(int chars, Runnable then) {
    if (closed || budget - queuedChars - inFlightChars >= chars) {
      return false;
    }
    roomAt = chars;
    whenRoom = then;
    return true;
  }

  /** Sends what is queued, then closes with {@code code}. */
  void closeAfterDrain(CloseCode code) {
    synchronized (this) {
      if (closed || closeWhenDrained != null) {
        return;
      }
      closeWhenDrained = code;
      if (sending || !queue.isEmpty()) {
        return;
      }
    }
    closeNow(code);
  }

  /**
   * Drops what is queued and closes with {@code code}. While a write is in flight the close waits for it to end
   * (Liberty's {@code Session.close} would park the calling thread until then); a write that never ends is cut by
   * the send timeout ({@link #giveUpIfStuck}).
   */
  void closeNow(CloseCode code) {
    synchronized (this) {
      markClosed();
      if (inFlightChars > 0) {
        if (closeAfterWrite == null && !givenUp) {
          closeAfterWrite = code;
        }
        return;
      }
    }
    transport.close(code);
  }

  /** The connection is closed (by the peer or by us): nothing more is sent, and queued frames are let go. */
  synchronized void markClosed() {
    closed = true;
    queue.clear();
    queuedChars = 0;
    whenRoom = null;
  }

  synchronized boolean closed() {
    return closed;
  }

  /**
   * Closes the outbox (its queue is let go) if a write has been in flight for more than {@code limitNanos} at
   * {@code now} (System.nanoTime): true the one time that happens. The container's own send timeout does not fire
   * on Open Liberty 26 (docs/PROTOCOL.md), so a watchdog asks this; the caller then ends the connection.
   */
  synchronized boolean giveUpIfStuck(long now, long limitNanos) {
    if (givenUp || inFlightChars == 0 || now - inFlightSince <= limitNanos) {
      return false;
    }
    givenUp = true;
    closeAfterWrite = null;
    markClosed();
    return true;
  }

  /** Starts sending what {@link #add} queued; called once for each {@code add} that returned true. */
  void flush() {
    pump();
  }

  // Sends queued frames one message at a time. A send that completes inline continues the loop here; one that
  // completes later continues from its completion handler. Exactly one of the two goes on, so there is no recursion.
  private void pump() {
    for (; ; ) {
      String next;
      CloseCode closeCode = null;
      synchronized (this) {
        next = queue.poll();
        if (next != null) {
          // The frames leave the queue; the message (frames and the newlines between them) is in flight.
          queuedChars -= next.length();
          if (!queue.isEmpty()) {
            next = coalesce(next);
          }
          inFlightChars = next.length();
          inFlightSince = System.nanoTime();
        }
        if (next == null) {
          sending = false;
          if (closeWhenDrained != null && !closed) {
            closeCode = closeWhenDrained;
          }
        }
      }
      if (next == null) {
        if (closeCode != null) {
          closeNow(closeCode);
        }
        return;
      }
      Send send = new Send();
      try {
        transport.send(next, send);
      } catch (RuntimeException e) {
        synchronized (this) {
          inFlightChars = 0;
        }
        markClosed();
        return;
      }
      if (!send.returned()) {
        return;
      }
      if (!sent(send.ok)) {
        return;
      }
    }
  }

  // After a write: false when the connection is given up. Runs the room callback when enough budget is free.
  private boolean sent(boolean ok) {
    Runnable then = null;
    CloseCode close;
    synchronized (this) {
      if (!ok) {
        // A failed write (Liberty's send timeout, or a broken connection) leaves its bytes in the transport's
        // buffer, and a close would wait behind them: the write counts as stuck, and the watchdog cuts the
        // connection (#giveUpIfStuck) once the send timeout has passed since it began.
        markClosed();
        closeAfterWrite = null;
        return false;
      }
      inFlightChars = 0;
      close = closeAfterWrite;
      closeAfterWrite = null;
      if (givenUp) {
        return false; // the connection was cut: Liberty finishes its close by itself
      }
    }
    if (close != null) {
      transport.close(close);
      return false;
    }
    synchronized (this) {
      if (closed) {
        return false;
      }
      if (whenRoom != null && budget - queuedChars >= roomAt) {
        then = whenRoom;
        whenRoom = null;
      }
    }
    if (then != null) {
      then.run();
    }
    return true;
  }

  private String coalesce(String first) {
    StringBuilder b = new StringBuilder(Math.min(MAX_COALESCED_CHARS, first.length() * (queue.size() + 1) + 16));
    b.append(first);
    String more;
    while ((more = queue.peek()) != null && b.length() + 1 + more.length() <= MAX_COALESCED_CHARS) {
      b.append('\n').append(queue.poll());
      queuedChars -= more.length();
    }
    return b.toString();
  }

  private final class Send implements SendHandler {
    private boolean returned;
    private boolean completed;
    private boolean ok;

    synchronized boolean returned() {
      returned = true;
      return completed;
    }

    @Override
    public void onResult(SendResult result) {
      boolean continueHere;
      synchronized (this) {
        ok = result.isOK();
        completed = true;
        continueHere = returned;
      }
      if (continueHere && sent(ok)) {
        pump();
      }
    }
  }
}
