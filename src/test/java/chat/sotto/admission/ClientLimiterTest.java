package chat.sotto.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.admission.ClientLimiter.Action;
import chat.sotto.limits.Limit;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Per-client budgets in memory: bursts, refill, independence of clients, and a map that cannot grow without bound. */
class ClientLimiterTest {
  private static final Map<Action, Limit> LIMITS =
      Map.of(
          Action.CREATE_ROOM, Limit.perMinute(10, 10),
          Action.JOIN_ROOM, Limit.perMinute(60, 30),
          Action.HANDSHAKE, Limit.perMinute(60, 30));
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final ClientKeys keys = ClientKeys.withRandomSecret();

  private ClientKey client(int n) {
    byte[] b = {(byte) 198, (byte) 51, (byte) (n >> 8), (byte) n};
    try {
      return keys.of(InetAddress.getByAddress(b));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aClientGetsItsBurstThenWaitsWhileAnotherClientIsServed() {
    ClientLimiter<ClientKey> limiter = new ClientLimiter<>(LIMITS, 1000, clock::get);
    for (int i = 0; i < 10; i++) {
      assertEquals(0, limiter.tryAcquire(client(1), Action.CREATE_ROOM), "room " + i + " of the burst");
    }
    assertEquals(6000, limiter.tryAcquire(client(1), Action.CREATE_ROOM), "one room comes back every 6 s");
    assertEquals(0, limiter.tryAcquire(client(2), Action.CREATE_ROOM), "another client is not affected");
    assertEquals(0, limiter.tryAcquire(client(1), Action.JOIN_ROOM), "joins have their own budget");
    clock.addAndGet(6000);
    assertEquals(0, limiter.tryAcquire(client(1), Action.CREATE_ROOM));
    assertTrue(limiter.tryAcquire(client(1), Action.CREATE_ROOM) > 0);
  }

  @Test
  void idleBudgetsAreDroppedOnTheMinutelySweep() {
    ClientLimiter<ClientKey> limiter = new ClientLimiter<>(LIMITS, 1000, clock::get);
    for (int n = 0; n < 100; n++) {
      limiter.tryAcquire(client(n), Action.HANDSHAKE);
    }
    assertEquals(100, limiter.clients());
    clock.addAndGet(61_000);
    limiter.tryAcquire(client(500), Action.HANDSHAKE);
    assertEquals(1, limiter.clients(), "only the client just seen is kept");
  }

  @Test
  void aDroppedIdleBudgetDecidesExactlyAsAKeptOneWould() {
    ClientLimiter<ClientKey> limiter = new ClientLimiter<>(LIMITS, 1000, clock::get);
    for (int i = 0; i < 10; i++) {
      limiter.tryAcquire(client(1), Action.CREATE_ROOM);
    }
    clock.addAndGet(61_000);
    limiter.tryAcquire(client(2), Action.CREATE_ROOM);
    assertEquals(1, limiter.clients(), "client 1 was idle (its budget full again) and dropped");
    for (int i = 0; i < 10; i++) {
      assertEquals(0, limiter.tryAcquire(client(1), Action.CREATE_ROOM));
    }
    assertTrue(limiter.tryAcquire(client(1), Action.CREATE_ROOM) > 0);
  }

  @Test
  void manyActiveClientsCannotGrowTheMapBeyondItsCap() {
    ClientLimiter<ClientKey> limiter = new ClientLimiter<>(LIMITS, 1000, clock::get);
    for (int n = 0; n < 5000; n++) {
      limiter.tryAcquire(client(n), Action.CREATE_ROOM);
      clock.incrementAndGet();
      assertTrue(limiter.clients() <= 1000, "clients in memory: " + limiter.clients());
    }
    // the newest clients keep their budgets: the ones closest to idle made room
    assertTrue(limiter.tryAcquire(client(4999), Action.CREATE_ROOM) == 0);
    for (int i = 0; i < 8; i++) {
      limiter.tryAcquire(client(4999), Action.CREATE_ROOM);
    }
    assertTrue(limiter.tryAcquire(client(4999), Action.CREATE_ROOM) > 0, "an active client keeps its count");
  }

  @Test
  void idleBudgetsAreDroppedFirstWhenTheCapIsReached() {
    ClientLimiter<ClientKey> limiter = new ClientLimiter<>(LIMITS, 100, clock::get);
    for (int n = 0; n < 100; n++) {
      limiter.tryAcquire(client(n), Action.HANDSHAKE);
    }
    clock.addAndGet(5_000); // every handshake budget is full again: all idle, but no sweep is due yet
    limiter.tryAcquire(client(1000), Action.HANDSHAKE);
    assertEquals(1, limiter.clients());
  }
}
