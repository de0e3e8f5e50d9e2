package chat.sotto.bench.floor;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.ArrayDeque;

/**
 * The floor with Sotto's sending pattern (benchmarks only, see {@link FloorEndpoint}): each socket has at most one
 * asynchronous send in flight; what arrives meanwhile waits in its queue and goes out, one message each, from the
 * completion of the send before.
 */
@ServerEndpoint("/ws-async")
public class AsyncFloorEndpoint {
  private static final String QUEUE = "floor.queue";

  @OnMessage(maxMessageSize = 65_536)
  public void text(Session socket, String text) {
    FloorEndpoint.relay(socket, text, AsyncFloorEndpoint::send);
  }

  @OnClose
  public void close(Session socket) {
    new FloorEndpoint().close(socket);
  }

  private static void send(Session to, String text) {
    Queue q = (Queue) to.getUserProperties().computeIfAbsent(QUEUE, k -> new Queue(to));
    q.add(text);
  }

  private static final class Queue implements SendHandler {
    private final Session socket;
    private final ArrayDeque<String> waiting = new ArrayDeque<>();
    private boolean sending;

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
      socket.getAsyncRemote().sendText(text, this);
    }

    @Override
    public void onResult(SendResult result) {
      String next;
      synchronized (this) {
        next = result.isOK() ? waiting.poll() : null;
        if (next == null) {
          sending = false;
          waiting.clear();
          return;
        }
      }
      socket.getAsyncRemote().sendText(next, this);
    }
  }
}
