package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Clients that stop reading or vanish are let go: one that stops reading is cut after the send timeout, and so is one
 * that stops reading and then sends its close frame while the server's write to it is stuck; a silent one is let go
 * by the idle timeout, and no server thread is left waiting on any of them. The test server runs with a send
 * timeout of 3 s and an idle timeout of 25 s (pom.xml); every other test's client is busy or pings well within that.
 */
@ExtendWith(ArquillianExtension.class)
class SlowClientIT {
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(25);

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  /** The watchdog looks once a second; the margin also covers the stall itself and the presence delay. */
  private static final Duration CUT_MARGIN = Duration.ofSeconds(4);

  private static Predicate<JsonObject> online(int n) {
    return f -> "presence".equals(f.getString("t")) && f.getJsonArray("online").size() == n;
  }

  private static Predicate<JsonObject> online(String sessionId, boolean yes) {
    return f -> "presence".equals(f.getString("t"))
        && f.getJsonArray("online").getValuesAs(JsonString.class).stream()
            .anyMatch(s -> s.getString().equals(sessionId)) == yes;
  }

  @Test
  void aClientThatStopsReadingIsCutAfterTheSendTimeoutAndNoServerThreadStaysParked() throws Exception {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    List<Api.Session> senders = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      senders.add(Api.member(room));
    }
    Api.Session stalled = senders.get(0);
    try (ServerJvm jvm = ServerJvm.attach();
        RelayClient observer = RelayClient.connect(owner, 0)) {
      // More history than a connection's budget and the kernel's socket buffers hold together: the server floods
      // the client with it as soon as it is in.
      History.store(senders, 40, 11_000);
      observer.messages(400);
      try (RawWebSocket slow = RawWebSocket.authenticated(SottoWar.BASE, stalled.token(), 0, 4096)) {
        observer.await(online(stalled.sessionId(), true), "the stalled client online");
        // From here the server writes the history to a client that reads nothing: its write stalls at once.
        long start = System.nanoTime();
        observer.await(
            online(stalled.sessionId(), false), "the stalled client gone", SEND_TIMEOUT.plus(CUT_MARGIN));
        long cutMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("a client that stopped reading left the room after %d ms%n", cutMillis);
        assertTrue(
            cutMillis >= SEND_TIMEOUT.toMillis() - 500, "cut by the send timeout, not before: " + cutMillis + " ms");
        // While the client still reads nothing, no server thread waits for the stuck write.
        Await.until(
            "no server thread parked in WsocConnLink.waitToClose while the client still reads nothing",
            Duration.ofSeconds(10),
            () -> jvm.threadsIn("WsocConnLink", "waitToClose") == 0);
        System.out.printf("no server thread parked %d ms after the client joined%n",
            (System.nanoTime() - start) / 1_000_000);
        // Its TCP connection is ended too: what the kernel still holds reads out, then the connection is over.
        int code = slow.awaitClose(Duration.ofSeconds(10));
        System.out.printf("the stalled client's connection ended %d ms after it joined, with %d%n",
            (System.nanoTime() - start) / 1_000_000, code);
      }
      Await.until(
          "no server thread parked in WsocConnLink.waitToClose",
          Duration.ofSeconds(10),
          () -> jvm.threadsIn("WsocConnLink", "waitToClose") == 0);
      // The room goes on, and the session that was cut may come back.
      try (RelayClient back = RelayClient.connect(stalled, 400)) {
        back.sendEnvelope(41, 100);
        assertEquals(401, back.await("ack").getJsonNumber("seq").longValue());
        observer.await(online(stalled.sessionId(), true), "the cut session back online");
      }
    }
  }

  @Test
  void aClientThatStopsReadingThenClosesIsLetGoAndNoServerThreadStaysParked() throws Exception {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    List<Api.Session> senders = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      senders.add(Api.member(room));
    }
    // The owner stays connected throughout (an absent owner's room is deleted after the grace period).
    try (ServerJvm jvm = ServerJvm.attach();
        RelayClient observer = RelayClient.connect(owner, 0)) {
      // More history than a connection's budget and the kernel's socket buffers hold together.
      History.store(senders, 40, 11_000);
      observer.messages(400);
      RawWebSocket slow = RawWebSocket.authenticated(SottoWar.BASE, senders.get(0).token(), 0, 4096);
      try {
        observer.await(online(2), "the slow client online");
        // Its close frame arrives while the server's write to it is stuck: the case that parked Liberty threads in
        // WsocConnLink.waitToClose for good.
        slow.sendClose(1000);
        long start = System.nanoTime();
        observer.await(online(1), "the slow client closed", SEND_TIMEOUT.plusSeconds(15));
        System.out.printf("a client that stopped reading was closed after %d ms%n", (System.nanoTime() - start) / 1_000_000);
        Await.until(
            "no server thread parked in WsocConnLink.waitToClose",
            Duration.ofSeconds(10),
            () -> jvm.threadsIn("WsocConnLink", "waitToClose") == 0);
      } finally {
        slow.close();
      }
      // The room goes on.
      try (RelayClient member = RelayClient.connect(senders.get(1), 400)) {
        member.sendEnvelope(41, 100);
        assertEquals(401, member.await("ack").getJsonNumber("seq").longValue());
      }
    }
  }

  @Test
  void aClientThatVanishesWithoutACloseFrameIsCleanedUpByTheIdleTimeout() throws Exception {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session member = Api.member(room);
    try (RelayClient observer = RelayClient.connect(owner, 0);
        RawWebSocket vanished = RawWebSocket.authenticated(SottoWar.BASE, member.token(), 0, 65_536)) {
      observer.await(online(2), "the member online");
      long start = System.nanoTime();
      // The member's TCP connection stays open but says nothing more; the observer pings as browsers do.
      long deadline = start + IDLE_TIMEOUT.plusSeconds(20).toNanos();
      boolean gone = false;
      while (!gone && System.nanoTime() < deadline) {
        observer.send("{\"t\":\"ping\"}");
        try {
          observer.await(online(1), "the vanished member offline", Duration.ofSeconds(5));
          gone = true;
        } catch (AssertionError notYet) {
          assertTrue(!observer.isClosed(), "the pinging observer stays connected");
        }
      }
      long seconds = (System.nanoTime() - start) / 1_000_000_000;
      assertTrue(gone, "the vanished member was not cleaned up");
      assertTrue(seconds >= IDLE_TIMEOUT.toSeconds() - 1, "cleaned up by the idle timeout, after " + seconds + " s");
      int code = vanished.awaitClose(Duration.ofSeconds(5));
      System.out.printf("a vanished client was closed after %d s with %d%n", seconds, code);
    }
  }
}
