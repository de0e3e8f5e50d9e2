package chat.sotto.relay;

import chat.sotto.message.Envelope;
import chat.sotto.message.StoredMessage;
import chat.sotto.message.StoredMessages;
import chat.sotto.metrics.RelayMetrics;
import chat.sotto.room.RoomId;
import chat.sotto.session.Participant;
import chat.sotto.session.SessionId;
import chat.sotto.session.SessionToken;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fan-out inside the server: a room event published on the single-node {@link InProcessBus} and delivered through
 * {@link LocalRooms} to every {@link Member}, through each
 * member's send queue, to sockets whose asynchronous sends complete at once (the container's own write cost is not
 * in here; the load generator measures that). Per operation = one event to the whole room.
 *
 * <p>Run: {@code mvn -Pjmh test-compile exec:exec -Djmh.args="FanOutBenchmark"}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class FanOutBenchmark {
  /** Connections in the room. */
  @Param({"10", "50", "500"})
  int members;

  private final LocalRooms rooms = new LocalRooms();
  private final InProcessBus bus = new InProcessBus();
  private final RelayMetrics metrics = new RelayMetrics();
  private StoredMessage stored;
  private RoomId roomId;
  private long seq;
  private long written;

  @Setup(Level.Trial)
  public void setUp() {
    SecureRandom random = new SecureRandom();
    roomId = new RoomId(FramesBenchmark.base64(random, 32));
    Envelope e = new Envelope(123456, FramesBenchmark.base64(random, 12), FramesBenchmark.base64(random, 300));
    stored = StoredMessages.of(roomId, 42, SessionId.random(), e, 1_700_000_000_000L);
    bus.local = rooms;
    rooms.metrics = metrics;
    for (int i = 0; i < members; i++) {
      Participant p = new Participant(SessionId.random(), roomId, SessionToken.random(), i == 0, true, i);
      Member m = new Member(instantSocket(), p, 0, 0, 1 << 20, metrics);
      m.replayDone(0);
      rooms.add(m, Integer.MAX_VALUE);
    }
  }

  /** One stored chat message: its frame encoded once, then queued and sent on each connection. */
  @Benchmark
  public long fanOutMessage() {
    bus.publish(RoomEvent.message(roomId, ++seq, Frames.message(stored)));
    return written;
  }

  /** One presence update (as PresenceUpdates sends it): the online list read, encoded, and sent on each connection. */
  @Benchmark
  public long fanOutPresence() {
    bus.publish(RoomEvent.broadcast(roomId, Frames.presence(bus.online(roomId))));
    return written;
  }

  /** The presence frame alone (online set plus encoding). */
  @Benchmark
  public String encodePresence() {
    return Frames.presence(rooms.online(roomId));
  }

  // A socket whose sends complete inline, as Liberty's do when the socket buffer has room.
  private Session instantSocket() {
    SendResult ok = new SendResult();
    RemoteEndpoint.Async remote =
        (RemoteEndpoint.Async)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("sendText") && args.length == 2 && args[1] instanceof SendHandler h) {
                    written += ((String) args[0]).length();
                    h.onResult(ok);
                  }
                  return null;
                });
    return (Session)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {Session.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getAsyncRemote" -> remote;
                  case "isOpen" -> true;
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> null;
                });
  }
}
