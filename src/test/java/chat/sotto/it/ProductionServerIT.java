package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;

/**
 * A server configured as the container image configures it: the production configuration from liberty/config (no
 * test configDropins) and the environment that the Dockerfile's runtime stage sets, read from the Dockerfile itself.
 * (No Docker engine runs here, so the image is not built; what it would run is.)
 */
class ProductionServerIT {
  private static final String LANDING = "A private room for a private conversation";
  private static final int HTTP_PORT = Integer.parseInt(System.getProperty("sotto.it.production.http"));
  private static final int HTTPS_PORT = Integer.parseInt(System.getProperty("sotto.it.production.https"));
  private static final URI HTTP = URI.create("http://localhost:" + HTTP_PORT + "/");
  private static final URI HTTPS = URI.create("https://localhost:" + HTTPS_PORT + "/");

  @Test
  void theImageRefusesToStartWithTheDevelopmentKeystorePassword() throws Exception {
    Map<String, String> settings = imageEnvironment();
    assertFalse(settings.containsKey("KEYSTORE_PASSWORD"), "the image must not carry a keystore password");
    try (LibertyNode node = LibertyNode.production("sotto-production-refused", HTTP_PORT, HTTPS_PORT, settings)) {
      node.launch();
      Await.until("the application's deployment to fail", Duration.ofSeconds(180),
          () -> log(node).contains("CWWKZ0002E") || log(node).contains("CWWKZ0001I"));
      String log = log(node);
      assertTrue(log.contains("Sotto refuses to start: KEYSTORE_PASSWORD is unset or the development password."),
          "messages.log says why");
      assertFalse(log.contains("CWWKZ0001I"), "the application must not start");
      assertNotEquals(200, status(HTTPS.resolve("health/ready")));
      HttpResponse<String> page = get(HTTPS);
      assertFalse(page.body().contains(LANDING), "the product must not be served");
      // refused before any startup bean ran: the schema migration never touched the database
      assertFalse(log.contains("database schema at version"), "refused before touching the database");
    }
  }

  @Test
  void theImageServesOnlyHttpsWithTheOperatorsKeystorePassword() throws Exception {
    Map<String, String> settings = imageEnvironment();
    settings.put("KEYSTORE_PASSWORD", Api.random(18));
    try (LibertyNode node = LibertyNode.production("sotto-production", HTTP_PORT, HTTPS_PORT, settings)) {
      node.launch();
      Await.until("ready over HTTPS", Duration.ofSeconds(180), () -> status(HTTPS.resolve("health/ready")) == 200);

      HttpResponse<String> plain = get(HTTP.resolve("?x=1"));
      assertEquals(308, plain.statusCode(), "plain HTTP is redirected");
      assertEquals("https://localhost/?x=1", plain.headers().firstValue("Location").orElse(""));

      HttpResponse<String> page = get(HTTPS);
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains(LANDING));
      assertTrue(page.headers().firstValue("Strict-Transport-Security").orElse("").startsWith("max-age="));
      assertFalse(log(node).contains("localConnector"), "no local JMX connector in production");

      // No metrics secret in the image: /metrics answers exactly as a path that does not exist, secret or not.
      HttpResponse<String> unknown = get(HTTPS.resolve("no-such-page"));
      for (HttpResponse<String> metrics :
          List.of(get(HTTPS.resolve("metrics")), get(HTTPS.resolve("metrics"), "Bearer " + Api.random(30)))) {
        assertEquals(404, metrics.statusCode());
        assertEquals(unknown.statusCode(), metrics.statusCode());
        assertEquals(unknown.body(), metrics.body());
        assertEquals(unknown.headers().firstValue("Content-Type"), metrics.headers().firstValue("Content-Type"));
        assertEquals(unknown.headers().firstValue("Cache-Control"), metrics.headers().firstValue("Cache-Control"));
        assertFalse(metrics.headers().firstValue("WWW-Authenticate").isPresent());
      }
    }
  }

  /**
   * The ENV of the Dockerfile's last stage (the runtime image), except that the server listens on loopback only, as
   * every server of the tests does, and not on all interfaces as in a container.
   */
  static Map<String, String> imageEnvironment() throws IOException {
    String dockerfile = Files.readString(Path.of("Dockerfile")).replaceAll("\\\\\\r?\\n", " ");
    List<String> lines = dockerfile.lines().toList();
    int runtimeStage = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("FROM ")) {
        runtimeStage = i;
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : lines.subList(runtimeStage, lines.size())) {
      if (line.startsWith("ENV ")) {
        for (String pair : line.substring(4).trim().split("\\s+")) {
          int eq = pair.indexOf('=');
          env.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
    }
    assertEquals("*", env.get("HTTP_HOST"), "the image listens on all interfaces");
    Map<String, String> settings = new HashMap<>(env);
    settings.put("HTTP_HOST", "localhost");
    return settings;
  }

  private static String log(LibertyNode node) {
    try {
      return Files.exists(node.messagesLog()) ? Files.readString(node.messagesLog()) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static int status(URI uri) {
    try {
      return get(uri).statusCode();
    } catch (AssertionError notListening) {
      return -1;
    }
  }

  private static HttpResponse<String> get(URI uri) {
    return get(uri, null);
  }

  private static HttpResponse<String> get(URI uri, String authorization) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("request failed: " + uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static final HttpClient CLIENT = trustingClient();

  /** Accepts the self-signed certificate that Liberty makes for the keystore; this is about policy, not identity. */
  private static HttpClient trustingClient() {
    try {
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, new TrustManager[] {new TrustEverything()}, new SecureRandom());
      return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
