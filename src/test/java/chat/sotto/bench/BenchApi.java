package chat.sotto.bench;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sotto's REST API as the generator uses it: create rooms, issue member sessions, close rooms. A 429 is waited out
 * (its Retry-After) and a 503 retried after a short pause, a bounded number of times each, as a browser would;
 * {@link #retries()} tells how often that happened.
 */
final class BenchApi {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int ATTEMPTS = 8;
  /**
   * A 429 is waited out more patiently than a 503: with the server's default limits (e.g. 30 rooms at once, then one
   * a second) a setup of 50 rooms needs a minute of them; the caller's own timeout still bounds the whole.
   */
  private static final int RATE_LIMITED_ATTEMPTS = 120;
  private static final Pattern STRING_FIELD = Pattern.compile("\"(sessionId|token)\":\"([A-Za-z0-9_-]+)\"");

  private final PlainHttp http;
  private final String base;
  private final LongAdder retries = new LongAdder();

  /** {@code http}'s worker threads bound the calls in flight. */
  BenchApi(PlainHttp http, java.net.URI target) {
    this.http = http;
    this.base = target.getPath() == null || target.getPath().isEmpty() ? "/" : target.getPath();
  }

  /** A session as the API issued it. */
  record Session(String roomId, String sessionId, String token, boolean owner) {}

  /** Requests answered 429 or 503 and tried again. */
  long retries() {
    return retries.sum();
  }

  /**
   * Creates {@code rooms} rooms and fills each with {@code members} sessions (the owner included). The first join of
   * a room goes alone, the others concurrently.
   */
  List<List<Session>> populate(int rooms, int members, Duration timeout) {
    List<CompletableFuture<List<Session>>> all = new ArrayList<>();
    for (int r = 0; r < rooms; r++) {
      String roomId = randomId(32);
      all.add(
          createRoom(roomId)
              .thenCompose(
                  owner -> {
                    List<CompletableFuture<Session>> joins = new ArrayList<>();
                    CompletableFuture<Session> first =
                        members > 1 ? join(roomId) : CompletableFuture.completedFuture(null);
                    if (members > 1) {
                      joins.add(first);
                    }
                    for (int m = 2; m < members; m++) {
                      joins.add(first.thenCompose(f -> join(roomId)));
                    }
                    return CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new))
                        .thenApply(
                            v -> {
                              List<Session> list = new ArrayList<>();
                              list.add(owner);
                              joins.forEach(j -> list.add(j.join()));
                              return list;
                            });
                  }));
    }
    try {
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("setting up rooms and sessions failed: " + rootMessage(e), e);
    }
    return all.stream().map(CompletableFuture::join).toList();
  }

  CompletableFuture<Session> createRoom(String roomId) {
    return call("POST", "api/rooms", "{\"roomId\":\"" + roomId + "\"}", null, 201)
        .thenApply(body -> session(roomId, body, true));
  }

  CompletableFuture<Session> join(String roomId) {
    return call("POST", "api/rooms/" + roomId + "/sessions", null, null, 201)
        .thenApply(body -> session(roomId, body, false));
  }

  /** Closes a room as its owner: its sessions and messages are deleted. */
  CompletableFuture<String> closeRoom(Session owner) {
    return call("DELETE", "api/rooms/" + owner.roomId(), null, owner.token(), 204);
  }

  /** Leaves the room for good (DELETE /api/sessions/current); the owner leaving closes the room. */
  CompletableFuture<String> leave(Session member) {
    return call("DELETE", "api/sessions/current", null, member.token(), 204);
  }

  static String randomId(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private CompletableFuture<String> call(String method, String path, String json, String token, int expected) {
    return attempt(method, base + path, json, token, expected, 1);
  }

  private CompletableFuture<String> attempt(
      String method, String path, String json, String token, int expected, int attempt) {
    return http.send(method, path, json, token)
        .thenCompose(
            r -> {
              if (r.status() == expected) {
                return CompletableFuture.completedFuture(r.body());
              }
              if ((r.status() == 429 && attempt < RATE_LIMITED_ATTEMPTS) || (r.status() == 503 && attempt < ATTEMPTS)) {
                retries.increment();
                long waitMillis =
                    r.status() == 429 ? 1000 * Math.min(30, r.headerAsLong("retry-after", 1)) : 100L * attempt;
                Executor later = CompletableFuture.delayedExecutor(waitMillis, TimeUnit.MILLISECONDS);
                return CompletableFuture.supplyAsync(() -> null, later)
                    .thenCompose(x -> attempt(method, path, json, token, expected, attempt + 1));
              }
              return CompletableFuture.failedFuture(
                  new IllegalStateException(method + " " + path.replaceAll("/[A-Za-z0-9_-]{40,}", "/{room}")
                      + " answered " + r.status() + " " + r.body()));
            });
  }

  private static Session session(String roomId, String body, boolean owner) {
    String sessionId = null;
    String token = null;
    Matcher m = STRING_FIELD.matcher(body);
    while (m.find()) {
      if (m.group(1).equals("sessionId")) {
        sessionId = m.group(2);
      } else {
        token = m.group(2);
      }
    }
    if (sessionId == null || token == null) {
      throw new IllegalStateException("unexpected session body: " + body);
    }
    return new Session(roomId, sessionId, token, owner);
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
