package chat.sotto.bench.floor;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor with one asynchronous send in flight per socket, started without a completion handler (benchmarks only,
 * see {@link FloorEndpoint}): a send whose future is done when the call returns goes on with the next queued message
 * on the same thread; one that is not is finished by a poller thread. Compares the cost of Liberty's completion
 * hand-off ({@link AsyncFloorEndpoint}) with none.
 */
@ServerEndpoint("/ws-future")
public class FutureFloorEndpoint {
  private static final String QUEUE = "floor.future-queue";
  private static final ConcurrentLinkedQueue<Queue> PENDING = new ConcurrentLinkedQueue<>();
  // Started by the first send that does not complete at once; parked while nothing is pending, so that the floor
  // costs nothing while the product is measured on the same server.
  private static volatile Thread poller;

  private static void pending(Queue q) {
    PENDING.add(q);
    Thread p = poller;
    if (p == null) {
      synchronized (PENDING) {
        if (poller == null) {
          p = new Thread(FutureFloorEndpoint::poll, "floor-future-poller");
          p.setDaemon(true);
          poller = p;
          p.start();
        }
        p = poller;
      }
    }
    LockSupport.unpark(p);
  }

  @OnMessage(maxMessageSize = 65_536)
  public void text(Session socket, String text) {
    FloorEndpoint.relay(socket, text, FutureFloorEndpoint::send);
  }

  @OnClose
  public void close(Session socket) {
    new FloorEndpoint().close(socket);
  }

  private static void send(Session to, String text) {
    Queue q = (Queue) to.getUserProperties().computeIfAbsent(QUEUE, k -> new Queue(to));
    q.add(text);
  }

  private static void poll() {
    for (; ; ) {
      if (PENDING.isEmpty()) {
        LockSupport.park();
        continue;
      }
      int n = PENDING.size();
      for (int i = 0; i < n; i++) {
        Queue q = PENDING.poll();
        if (q == null) {
          break;
        }
        if (q.inFlight.isDone()) {
          q.completed();
        } else {
          PENDING.add(q);
        }
      }
      LockSupport.parkNanos(200_000);
    }
  }

  private static final class Queue {
    private final Session socket;
    private final ArrayDeque<String> waiting = new ArrayDeque<>();
    private boolean sending;
    private volatile Future<Void> inFlight;

    Queue(Session socket) {
      this.socket = socket;
    }

    void add(String text) {
      synchronized (this) {
        if (sending) {
          waiting.add(text);
          return;
        }
        sending = true;
      }
      pump(text);
    }

    void completed() {
      String next;
      synchronized (this) {
        next = ok() ? waiting.poll() : null;
        if (next == null) {
          sending = false;
          return;
        }
      }
      pump(next);
    }

    private boolean ok() {
      try {
        inFlight.get();
        return true;
      } catch (InterruptedException | ExecutionException e) {
        return false;
      }
    }

    private void pump(String text) {
      for (; ; ) {
        inFlight = socket.getAsyncRemote().sendText(text);
        if (!inFlight.isDone()) {
          pending(this);
          return;
        }
        synchronized (this) {
          text = ok() ? waiting.poll() : null;
          if (text == null) {
            sending = false;
            return;
          }
        }
      }
    }
  }
}
