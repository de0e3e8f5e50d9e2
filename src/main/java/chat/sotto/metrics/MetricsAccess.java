package chat.sotto.metrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Who may read {@code /metrics}: whoever presents the operator's bearer secret ({@code sotto.metrics.token}). Without
 * a secret, or with one too short to resist guessing, the endpoint is hidden (it answers like an unknown path). The
 * presented secret is compared by its SHA-256 digest in constant time, and never logged.
 */
final class MetricsAccess {
  /** The shortest secret accepted: 32 characters, e.g. {@code openssl rand -base64 32} gives 44. */
  static final int MIN_SECRET_CHARS = 32;

  private static final Logger LOG = Logger.getLogger(MetricsAccess.class.getName());
  private static final String BEARER = "Bearer ";

  /** What a request to {@code /metrics} gets. */
  enum Decision {
    /** The endpoint is off: 404, as for any unknown path. */
    HIDDEN,
    /** No secret or a wrong one: 401. */
    UNAUTHORIZED,
    ALLOWED
  }

  // SHA-256 of the secret; null when the endpoint is off
  private final byte[] secretDigest;

  private MetricsAccess(byte[] secretDigest) {
    this.secretDigest = secretDigest;
  }

  /**
   * Access for the configured secret. Unset or blank: off. Shorter than {@link #MIN_SECRET_CHARS}: off, with one
   * warning that names the setting but not its value.
   */
  static MetricsAccess of(Optional<String> secret) {
    String s = secret.map(String::strip).orElse("");
    if (s.isEmpty()) {
      return new MetricsAccess(null);
    }
    if (s.length() < MIN_SECRET_CHARS) {
      LOG.warning(
          "sotto.metrics.token (SOTTO_METRICS_TOKEN) is shorter than " + MIN_SECRET_CHARS
              + " characters: /metrics stays off");
      return new MetricsAccess(null);
    }
    return new MetricsAccess(sha256(s));
  }


  /** The decision for a request with this {@code Authorization} header (null when it has none). */
  Decision decide(String authorization) {
    if (secretDigest == null) {
      return Decision.HIDDEN;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Decision.UNAUTHORIZED;
    }
    byte[] presented = sha256(authorization.substring(BEARER.length()).strip());
    return MessageDigest.isEqual(secretDigest, presented) ? Decision.ALLOWED : Decision.UNAUTHORIZED;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
