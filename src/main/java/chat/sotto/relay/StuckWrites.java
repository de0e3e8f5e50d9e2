package chat.sotto.relay;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The send timeout, enforced by the relay: a connection whose write has been in flight for longer than
 * {@code sotto.relay.send-timeout-seconds} (a client that stopped reading), or whose write failed, is cut. Open
 * Liberty 26.0.0.5 alone does not manage it. Measured: its send timeout reports the write as failed, but the
 * connection stays open and a {@code Session.close()} goes out only once the client reads again, since the close
 * waits for the write in {@code WsocConnLink.waitToClose()} ({@code linkSync.wait()}, no timeout).
 *
 * <p>The relay calls {@link #giveUp()} once a second: the scan reads one timestamp per connection, and the hot path
 * pays one {@code System.nanoTime()} per message sent. A connection given up has its queue dropped at once; the
 * relay removes it from its room and then {@link #abort ends its TCP connection}, which fails the stuck write so that
 * Liberty finishes its close without a parked thread.
 */
@ApplicationScoped
public class StuckWrites {
  private static final Logger LOG = Logger.getLogger(StuckWrites.class.getName());

  @Inject LocalRooms local;
  @Inject RelaySettings settings;

  /** The connections whose write is stuck now; their outboxes are closed (and counted once each). */
  List<Member> giveUp() {
    long now = System.nanoTime();
    long limit = TimeUnit.MILLISECONDS.toNanos(settings.sendTimeoutMillis());
    List<Member> stuck = new ArrayList<>(0);
    local.forEachMember(
        m -> {
          if (m.giveUpIfStuck(now, limit)) {
            stuck.add(m);
          }
        });
    if (!stuck.isEmpty()) {
      LOG.log(Level.INFO, "gave up {0} connection(s) whose write was stuck past the send timeout", stuck.size());
    }
    return stuck;
  }

  /**
   * Ends a connection whose write is stuck, without waiting for it. The WebSocket API has no way to (a close waits
   * for the write), so this reaches Liberty's connection through reflection: on the channel framework's TCP
   * transport (the one Open Liberty 26.0.0.5 runs) it closes the socket, which fails the pending write, and cancels
   * the write. Returns false when that is not possible (another Liberty version): the queue is let go all the same,
   * a warning names the exception's class, and the connection lasts until its client goes.
   */
  static boolean abort(Session socket) {
    try {
      // The endpoint's Session is Liberty's SessionExt, around its SessionImpl.
      Object impl = fieldOrNull(socket, "impl");
      Object link = field(impl != null ? impl : socket, "connLink");
      Object tcp = field(link, "tcpConnection");
      Object write = call(tcp, "getWriteInterface");
      if (!(call(write, "getSocket") instanceof java.net.Socket tcpSocket)) {
        throw new IllegalStateException("no socket");
      }
      tcpSocket.close();
      call(link, "cancelWriteBufferAsync");
      return true;
    } catch (ReflectiveOperationException | java.io.IOException | RuntimeException e) {
      Throwable cause = e instanceof InvocationTargetException t && t.getCause() != null ? t.getCause() : e;
      LOG.log(Level.WARNING, "could not end a stuck connection: {0}", cause.getClass().getName());
      return false;
    }
  }

  private static Object field(Object o, String name) throws ReflectiveOperationException {
    Object value = fieldOrNull(o, name);
    if (value == null) {
      throw new NoSuchFieldException(name);
    }
    return value;
  }

  private static Object fieldOrNull(Object o, String name) throws ReflectiveOperationException {
    for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
      } catch (NoSuchFieldException next) {
        // look in the superclass
      }
    }
    return null;
  }

  private static Object call(Object o, String name) throws ReflectiveOperationException {
    Method m = o.getClass().getMethod(name);
    m.setAccessible(true);
    return m.invoke(o);
  }
}
