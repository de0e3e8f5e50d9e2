package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One client cannot use up the deployment's budgets for everyone. The test server trusts loopback as a proxy
 * ({@code SOTTO_TRUSTED_PROXIES}), so these requests act as distinct clients through {@code X-Forwarded-For}
 * (documentation addresses: header values only, all traffic stays on loopback). Every bound is asserted relative to
 * the configured per-client limits, which the test server gets from the same environment as this test.
 */
@ExtendWith(ArquillianExtension.class)
class FairnessIT {
  private static final Duration FLOOD_TIME = Duration.ofSeconds(30);

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void aClientCreatingRoomsAsFastAsItCanIsStoppedAtItsOwnBudgetAndAnotherStillCreatesAndJoins() {
    Budget budget = Budget.of("ROOMS");
    assertTrue(budget.burst() < setting("SOTTO_LIMITS_ROOMS_BURST"), "the per-client budget is below the global one");
    String a = "203.0.113.7";
    Flood flood = flood(budget, () -> post(a, "api/rooms", "{\"roomId\":\"" + Api.newRoomId() + "\"}").statusCode(), 201);
    System.out.printf(Locale.ROOT, "rooms: client A admitted %d in %.2f s, then 429%n", flood.admitted(), flood.seconds());
    flood.assertWithin(budget);

    String b = "198.51.100.9";
    String room = Api.newRoomId();
    assertEquals(201, post(b, "api/rooms", "{\"roomId\":\"" + room + "\"}").statusCode(), "B still creates a room");
    assertEquals(201, post(b, "api/rooms/" + room + "/sessions", null).statusCode(), "and joins it");
  }

  @Test
  void aClientJoiningAsFastAsItCanIsStoppedAtItsOwnBudgetAndAnotherStillJoins() {
    Budget budget = Budget.of("SESSIONS");
    assertTrue(budget.burst() < setting("SOTTO_LIMITS_SESSIONS_BURST", 1000), "per-client below global");
    // Rooms made by other clients as A needs them, 4 joins each: the rooms' own join rates and sizes never stop A.
    List<String> rooms = new ArrayList<>();
    int perRoom = 4;
    int[] next = {0};
    Flood flood =
        flood(
            budget,
            () -> {
              int n = next[0]++;
              if (n / perRoom == rooms.size()) {
                String room = Api.newRoomId();
                String creator = "2001:db8:c:" + Integer.toHexString(rooms.size() / 8) + "::1";
                assertEquals(201, post(creator, "api/rooms", "{\"roomId\":\"" + room + "\"}").statusCode());
                rooms.add(room);
              }
              // A walks the hosts of its /64: every one of them is the same client
              String self = "2001:db8:a:1::" + Integer.toHexString(n + 1);
              return post(self, "api/rooms/" + rooms.get(n / perRoom) + "/sessions", null).statusCode();
            },
            201);
    System.out.printf(Locale.ROOT, "joins: client A admitted %d in %.2f s, then 429%n", flood.admitted(), flood.seconds());
    flood.assertWithin(budget);

    String lastRoomOfA = rooms.get(rooms.size() - 1);
    assertEquals(201, post("198.51.100.10", "api/rooms/" + lastRoomOfA + "/sessions", null).statusCode(), "B joins");
  }

  @Test
  void aClientOpeningWebSocketsAsFastAsItCanIsStoppedAtItsOwnBudgetAndAnotherStillConnects() {
    Budget budget = Budget.of("HANDSHAKES");
    String a = "192.0.2.44";
    Flood flood = flood(budget, () -> handshake(a), 101);
    System.out.printf(
        Locale.ROOT, "handshakes: client A admitted %d in %.2f s, then 429%n", flood.admitted(), flood.seconds());
    flood.assertWithin(budget);
    assertEquals(101, handshake("192.0.2.45"), "B still connects");
  }

  @Test
  void aForgedForwardedForDoesNotBuyAFreshBudgetWhenItComesThroughTheProxy() {
    // The client writes an address of its choice; the trusted proxy appends the real one: the right-most counts.
    Budget budget = Budget.of("ROOMS");
    String real = "203.0.113.99";
    int[] n = {0};
    Flood flood =
        flood(
            budget,
            () ->
                post(
                    "198.51.100." + (n[0]++ % 250) + ", " + real,
                    "api/rooms",
                    "{\"roomId\":\"" + Api.newRoomId() + "\"}")
                    .statusCode(),
            201);
    flood.assertWithin(budget);
  }

  /** One client's attempts, as fast as it can, until the first 429 (bounded in count and time). */
  private static Flood flood(Budget budget, Attempt attempt, int admittedStatus) {
    long start = System.nanoTime();
    long deadline = start + FLOOD_TIME.toNanos();
    int admitted = 0;
    int limit = budget.mostAdmittedIn(FLOOD_TIME) + 10;
    for (int i = 0; i < limit && System.nanoTime() < deadline; i++) {
      int status = attempt.status();
      if (status == 429) {
        return new Flood(admitted, (System.nanoTime() - start) / 1e9);
      }
      assertEquals(admittedStatus, status, "attempt " + i);
      admitted++;
    }
    throw new AssertionError("no 429 after " + admitted + " admitted attempts in " + FLOOD_TIME.toSeconds() + " s");
  }

  private static HttpResponse<String> post(String forwardedFor, String path, String json) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(SottoWar.BASE.resolve(path))
            .timeout(Duration.ofSeconds(20))
            .header("X-Forwarded-Proto", Api.PROXIED_PROTO)
            .header("X-Forwarded-For", forwardedFor);
    if (json != null) {
      b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    } else {
      b.POST(HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<String> r = Api.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 429) {
        assertEquals("rate_limited", Api.field(r.body(), "error"), r.body());
        long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
      }
      return r;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Opens (and at once drops) a WebSocket as the client {@code forwardedFor}: 101 if upgraded, else the status. */
  private static int handshake(String forwardedFor) {
    try {
      WebSocket ws =
          Api.HTTP.newWebSocketBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .header("X-Forwarded-Proto", Api.PROXIED_PROTO)
              .header("X-Forwarded-For", forwardedFor)
              .buildAsync(Api.ws(), new WebSocket.Listener() {})
              .join();
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
      ws.abort();
      return 101;
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        HttpResponse<?> r = refused.getResponse();
        if (r.statusCode() == 429) {
          assertTrue(r.headers().firstValue("Retry-After").isPresent(), "Retry-After on a refused handshake");
        }
        return r.statusCode();
      }
      throw e;
    }
  }

  private static double setting(String env) {
    String value = System.getenv(env);
    assertNotNull(value, env + " must be set for the test server (pom.xml, failsafe)");
    return Double.parseDouble(value);
  }

  private static double setting(String env, double orElse) {
    String value = System.getenv(env);
    return value == null ? orElse : Double.parseDouble(value);
  }

  private interface Attempt {
    int status();
  }

  /** A per-client limit as the test server is configured. */
  private record Budget(int burst, double perMinute) {
    static Budget of(String kind) {
      return new Budget(
          (int) setting("SOTTO_CLIENT_LIMITS_" + kind + "_BURST"),
          setting("SOTTO_CLIENT_LIMITS_" + kind + "_PER_MINUTE"));
    }

    /** The most a client can be admitted in {@code time}: the burst, plus what comes back meanwhile, plus one. */
    int mostAdmittedIn(Duration time) {
      return burst + (int) Math.ceil(perMinute * time.toMillis() / 60_000.0) + 1;
    }
  }

  private record Flood(int admitted, double seconds) {
    void assertWithin(Budget budget) {
      assertTrue(admitted >= budget.burst(), "the client got its budget: " + admitted + " of " + budget.burst());
      int most = budget.mostAdmittedIn(Duration.ofMillis((long) (seconds * 1000) + 1));
      assertTrue(admitted <= most, "admitted " + admitted + ", at most " + most + " in " + seconds + " s");
    }
  }
}
