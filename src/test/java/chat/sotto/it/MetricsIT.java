package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /metrics} as an operator and as an attacker see it, on the test server whose operator set the secret
 * ({@code SOTTO_METRICS_TOKEN}, pom property {@code it.metrics.token}). Without the secret the endpoint is hidden: see
 * {@link ProductionServerIT}.
 */
@ExtendWith(ArquillianExtension.class)
class MetricsIT {
  private static final String SECRET = System.getProperty("sotto.it.metrics.token");
  private static final Duration WAIT = Duration.ofSeconds(15);

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void withoutTheSecretTheAnswerIs401WithAJsonErrorAndABearerChallenge() {
    HttpResponse<String> r = Api.get("metrics", null);
    assertRefused(r);
  }

  @Test
  void aWrongSecretOrAnotherSchemeIsRefusedLikeNone() {
    assertRefused(Api.get("metrics", SECRET.substring(1)));
    assertRefused(Api.get("metrics", SECRET + "x"));
    assertRefused(Api.get("metrics", Api.random(30)));
    assertRefused(withAuthorization("Basic " + SECRET));
  }

  @Test
  void theRightSecretGetsPrometheusTextThatIsNeverCached() {
    HttpResponse<String> r = Api.get("metrics", SECRET);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(
        "text/plain;version=0.0.4;charset=utf-8",
        r.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase());
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
    assertTrue(r.headers().firstValue("Content-Security-Policy").isPresent(), "the security headers apply here too");
    assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
    for (String metric :
        List.of(
            "sotto_connections gauge",
            "sotto_rooms gauge",
            "sotto_writer_queue_depth gauge",
            "sotto_queued_send_bytes gauge",
            "sotto_joins_total counter",
            "sotto_deliveries_total counter",
            "sotto_messages_stored_total counter",
            "sotto_files_stored_total counter",
            "sotto_file_bytes_stored_total counter",
            "sotto_refusals_total counter",
            "sotto_websocket_closes_total counter",
            "sotto_writer_batch_size histogram",
            "sotto_store_seconds histogram")) {
      assertTrue(r.body().contains("# TYPE " + metric + "\n"), metric + " missing from\n" + r.body());
    }
    String label = "[a-z_]+=\"([a-z0-9_.]*|\\+Inf)\"";
    Pattern sample = Pattern.compile("sotto_[a-z_]+(\\{" + label + "(," + label + ")*\\})? [0-9.]+");
    for (String line : r.body().lines().toList()) {
      assertTrue(line.startsWith("# HELP sotto_") || line.startsWith("# TYPE sotto_") || sample.matcher(line).matches(),
          "not a plain sample: " + line);
    }
  }

  @Test
  void aChatMessageRaisesJoinsStoredMessagesAndDeliveriesAndTheScrapeNamesNoRoomSessionOrToken() {
    String before = scrape();
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(room);
    Api.Session member = Api.member(room);
    try (RelayClient a = RelayClient.connect(owner, 0);
        RelayClient b = RelayClient.connect(member, 0)) {
      a.sendEnvelope(1, 200);
      a.await("ack");
      b.await("msg");
      a.await("msg");
      Await.until("joins, a stored message and its two deliveries counted", WAIT, () -> {
        String now = scrape();
        return value(now, "sotto_joins_total") >= value(before, "sotto_joins_total") + 2
            && value(now, "sotto_messages_stored_total") >= value(before, "sotto_messages_stored_total") + 1
            && value(now, "sotto_deliveries_total") >= value(before, "sotto_deliveries_total") + 2
            && value(now, "sotto_writer_batch_size_count") >= value(before, "sotto_writer_batch_size_count") + 1;
      });
      String during = scrape();
      assertTrue(value(during, "sotto_connections") >= 2, during);
      assertTrue(value(during, "sotto_rooms") >= 1, during);
      for (String identifier :
          List.of(room, owner.sessionId(), owner.token(), member.sessionId(), member.token(), SECRET)) {
        assertFalse(during.contains(identifier), "the scrape must name no room, session, token or secret");
      }
    }
  }

  @Test
  void aRefusedRequestIsCountedByEdgeAndReasonOnly() {
    String series = "sotto_refusals_total{edge=\"rest\",reason=\"room_not_found\"}";
    long before = value(scrape(), series);
    String unknown = Api.newRoomId();
    assertEquals(404, Api.join(unknown).statusCode());
    Await.until("the refusal counted", WAIT, () -> value(scrape(), series) >= before + 1);
    assertFalse(scrape().contains(unknown));
  }

  private static void assertRefused(HttpResponse<String> r) {
    assertEquals(401, r.statusCode(), r.body());
    RoomApiIT.assertJsonErrorWithoutInternals(r);
    assertEquals("unauthorized", Api.field(r.body(), "error"));
    assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElse(""));
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
    assertFalse(r.body().contains("sotto_"), "no metric leaks into a refusal");
  }

  private static HttpResponse<String> withAuthorization(String value) {
    HttpRequest request =
        HttpRequest.newBuilder(SottoWar.BASE.resolve("metrics"))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", value)
            .GET()
            .build();
    try {
      return Api.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String scrape() {
    HttpResponse<String> r = Api.get("metrics", SECRET);
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  /** The value of one sample (its full series name, labels included); 0 when the series has none yet. */
  private static long value(String scrape, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\d+)$", Pattern.MULTILINE).matcher(scrape);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
