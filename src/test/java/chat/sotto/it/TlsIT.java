package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** HTTPS speaks TLS 1.3 only, and sends HSTS. (The test server has a self-signed development certificate.) */
@ExtendWith(ArquillianExtension.class)
class TlsIT {
  private static final URI HTTPS =
      URI.create("https://localhost:" + System.getProperty("sotto.https.port", "9544") + "/");

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void aTls13ClientIsServedWithHsts() throws Exception {
    HttpResponse<String> page = client("TLSv1.3").send(HttpRequest.newBuilder(HTTPS).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertEquals("TLSv1.3", page.sslSession().orElseThrow().getProtocol());
    assertTrue(page.headers().firstValue("Strict-Transport-Security").orElse("").startsWith("max-age="));
  }

  @Test
  void aTls12OnlyClientIsRefused() {
    HttpClient tls12 = client("TLSv1.2");
    IOException refused =
        assertThrows(
            IOException.class, () -> tls12.send(HttpRequest.newBuilder(HTTPS).build(), HttpResponse.BodyHandlers.ofString()));
    assertTrue(refused instanceof SSLHandshakeException || refused.getCause() instanceof SSLHandshakeException
        || String.valueOf(refused.getMessage()).toLowerCase().contains("handshake")
        || String.valueOf(refused.getMessage()).toLowerCase().contains("protocol"), String.valueOf(refused));
  }

  private static HttpClient client(String protocol) {
    try {
      SSLContext ssl = SSLContext.getInstance(protocol);
      ssl.init(null, new TrustManager[] {new TrustEverything()}, new SecureRandom());
      SSLParameters params = new SSLParameters();
      params.setProtocols(new String[] {protocol});
      return HttpClient.newBuilder().sslContext(ssl).sslParameters(params).connectTimeout(Duration.ofSeconds(5)).build();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
