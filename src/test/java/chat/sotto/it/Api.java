package chat.sotto.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A small client of Sotto's REST API, as a browser would call it. */
public final class Api {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Test requests arrive as if through a TLS-terminating proxy, so that servers configured for production (HTTPS
   * only) serve them; a development server ignores the header.
   */
  static final String PROXIED_PROTO = "https";

  private Api() {}

  /** A fresh random room identifier, as a browser derives one. */
  public static String newRoomId() {
    return random(32);
  }

  public static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public static HttpResponse<String> post(String path, String json) {
    return post(SottoWar.BASE, path, json);
  }

  public static HttpResponse<String> post(URI base, String path, String json) {
    HttpRequest.Builder b = request(base, path, null);
    if (json != null) {
      b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    } else {
      b.POST(HttpRequest.BodyPublishers.noBody());
    }
    return send(b.build());
  }

  /** A POST with a bearer token and an optional JSON body. */
  public static HttpResponse<String> post(String path, String json, String token) {
    return post(SottoWar.BASE, path, json, token);
  }

  public static HttpResponse<String> post(URI base, String path, String json, String token) {
    HttpRequest.Builder b = request(base, path, token);
    if (json != null) {
      b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    } else {
      b.POST(HttpRequest.BodyPublishers.noBody());
    }
    return send(b.build());
  }

  public static HttpResponse<String> patch(String path, String json, String token) {
    return patch(SottoWar.BASE, path, json, token);
  }

  public static HttpResponse<String> patch(URI base, String path, String json, String token) {
    return send(
        request(base, path, token)
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  public static HttpResponse<String> get(String path, String token) {
    return get(SottoWar.BASE, path, token);
  }

  public static HttpResponse<String> get(URI base, String path, String token) {
    return send(request(base, path, token).GET().build());
  }

  public static HttpResponse<String> delete(String path, String token) {
    return delete(SottoWar.BASE, path, token);
  }

  public static HttpResponse<String> delete(URI base, String path, String token) {
    return send(request(base, path, token).DELETE().build());
  }

  /** A PUT of raw bytes ({@code application/octet-stream}), as a browser uploads a file's chunk. */
  public static HttpResponse<String> put(String path, byte[] body, String token) {
    return put(path, body, "application/octet-stream", token);
  }

  /** A PUT of raw bytes declared as {@code contentType}. */
  public static HttpResponse<String> put(String path, byte[] body, String contentType, String token) {
    return send(
        request(SottoWar.BASE, path, token)
            .header("Content-Type", contentType)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build());
  }

  /** A GET whose answer is read as bytes (a file's chunk). */
  public static HttpResponse<byte[]> getBytes(String path, String token) {
    HttpRequest request = request(SottoWar.BASE, path, token).GET().build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new AssertionError("request failed: " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static HttpResponse<String> createRoom(String roomId) {
    return post("api/rooms", "{\"roomId\":\"" + roomId + "\"}");
  }

  public static HttpResponse<String> join(String roomId) {
    return post("api/rooms/" + roomId + "/sessions", null);
  }

  /** Creates a room and returns the owner's session. */
  public static Session owner(String roomId) {
    return owner(SottoWar.BASE, roomId);
  }

  /** Creates a room through the server at {@code base} and returns the owner's session. */
  public static Session owner(URI base, String roomId) {
    HttpResponse<String> r = admitted(() -> post(base, "api/rooms", "{\"roomId\":\"" + roomId + "\"}"));
    if (r.statusCode() != 201) {
      throw new AssertionError("create room: " + r.statusCode() + " " + r.body());
    }
    return Session.of(roomId, r.body());
  }

  /** Joins a room and returns the member's session. */
  public static Session member(String roomId) {
    return member(SottoWar.BASE, roomId);
  }

  /** Joins a room through the server at {@code base} and returns the member's session. */
  public static Session member(URI base, String roomId) {
    HttpResponse<String> r = admitted(() -> post(base, "api/rooms/" + roomId + "/sessions", null));
    if (r.statusCode() != 201) {
      throw new AssertionError("join room: " + r.statusCode() + " " + r.body());
    }
    return Session.of(roomId, r.body());
  }

  /**
   * Sends until the answer is not 429, polling for a bounded time: every test of the run comes from one client
   * address, so a burst of tests may wait its turn under the per-client budget (FairnessIT's subject).
   */
  static HttpResponse<String> admitted(java.util.function.Supplier<HttpResponse<String>> request) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (; ; ) {
      HttpResponse<String> r = request.get();
      if (r.statusCode() != 429 || System.nanoTime() > deadline) {
        return r;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** The string value of a top-level JSON member (test helper for flat bodies). */
  public static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":\"([^\"]*)\"").matcher(json);
    return m.find() ? m.group(1) : null;
  }

  private static HttpRequest.Builder request(URI base, String path, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(20))
            .header("X-Forwarded-Proto", PROXIED_PROTO);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("request failed: " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A session as the API returned it; {@code admitted} is false while it knocks. */
  public record Session(String roomId, String sessionId, String token, boolean owner, boolean admitted) {
    static Session of(String roomId, String body) {
      return new Session(
          roomId,
          field(body, "sessionId"),
          field(body, "token"),
          body.contains("\"owner\":true"),
          body.contains("\"admitted\":true"));
    }
  }

  static URI ws() {
    return ws(SottoWar.BASE);
  }

  /** The relay WebSocket of the server at {@code base}. */
  public static URI ws(URI base) {
    return URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws");
  }
}
