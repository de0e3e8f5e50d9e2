package chat.sotto.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.metrics.MetricsAccess.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsAccessTest {
  private static final String SECRET = "k3Yq0v9W1mZp4Tn8Rb6Xc2Hs5Ld7Fg0Ja1Ue3Io9"; // 40 characters

  private final Logger log = Logger.getLogger(MetricsAccess.class.getName());
  private final List<LogRecord> logged = new ArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          logged.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureLog() {
    log.addHandler(capture);
  }

  @AfterEach
  void releaseLog() {
    log.removeHandler(capture);
  }

  @Test
  void withoutASecretTheEndpointIsHiddenFromEveryoneAndNothingIsLogged() {
    for (Optional<String> unset : List.of(Optional.<String>empty(), Optional.of(""), Optional.of("   "))) {
      MetricsAccess access = MetricsAccess.of(unset);
      assertEquals(Decision.HIDDEN, access.decide(null));
      assertEquals(Decision.HIDDEN, access.decide("Bearer " + SECRET));
    }
    assertEquals(List.of(), logged);
  }

  @Test
  void aSecretShorterThan32CharactersKeepsTheEndpointOffWithOneWarningThatHidesTheValue() {
    String shortSecret = "only-31-characters-long-secret!";
    assertEquals(31, shortSecret.length());
    MetricsAccess access = MetricsAccess.of(Optional.of(shortSecret));
    assertEquals(Decision.HIDDEN, access.decide("Bearer " + shortSecret));
    assertEquals(1, logged.size());
    LogRecord warning = logged.get(0);
    assertEquals(Level.WARNING, warning.getLevel());
    assertTrue(warning.getMessage().contains("SOTTO_METRICS_TOKEN"), warning.getMessage());
    assertFalse(warning.getMessage().contains(shortSecret), "the secret itself is never logged");
  }

  @Test
  void theRightSecretIsAllowed() {
    MetricsAccess access = MetricsAccess.of(Optional.of(SECRET));
    assertEquals(Decision.ALLOWED, access.decide("Bearer " + SECRET));
    assertEquals(Decision.ALLOWED, access.decide("bearer " + SECRET), "the scheme is case-insensitive");
    assertEquals(Decision.ALLOWED, MetricsAccess.of(Optional.of(" " + SECRET + "\n")).decide("Bearer " + SECRET));
  }

  @Test
  void aMissingMalformedOrWrongSecretIsUnauthorized() {
    MetricsAccess access = MetricsAccess.of(Optional.of(SECRET));
    assertEquals(Decision.UNAUTHORIZED, access.decide(null));
    assertEquals(Decision.UNAUTHORIZED, access.decide(""));
    assertEquals(Decision.UNAUTHORIZED, access.decide("Bearer"));
    assertEquals(Decision.UNAUTHORIZED, access.decide("Bearer "));
    assertEquals(Decision.UNAUTHORIZED, access.decide(SECRET), "no scheme");
    assertEquals(Decision.UNAUTHORIZED, access.decide("Basic " + SECRET));
    assertEquals(Decision.UNAUTHORIZED, access.decide("Bearer " + SECRET.substring(1)));
    assertEquals(Decision.UNAUTHORIZED, access.decide("Bearer " + SECRET + "x"));
    assertEquals(Decision.UNAUTHORIZED, access.decide("Bearer " + SECRET.toUpperCase()));
    assertEquals(List.of(), logged, "refusals log nothing, least of all what was presented");
  }
}
