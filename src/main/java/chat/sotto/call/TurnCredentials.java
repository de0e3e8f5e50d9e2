package chat.sotto.call;

import chat.sotto.common.Base64Url;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A TURN credential as coturn's {@code use-auth-secret} expects: username = expiry (Unix seconds) ":" name, credential
 * = base64(HMAC-SHA1(shared secret, username)). coturn refuses it once the expiry has passed.
 *
 * <p>The name is fresh randomness for every credential, never a session or room identifier: coturn (and whoever reads
 * its state or traffic) sees which usernames relay for which addresses, and must not be able to tie that to a room, a
 * session, or even two credentials of the same person.
 */
public record TurnCredentials(String username, String credential, long expiresAt) {
  /** Random bytes in the name: as many as a session ID, so names never repeat. */
  static final int NAME_BYTES = 16;

  public TurnCredentials {
    int colon = username == null ? -1 : username.indexOf(':');
    if (colon < 1 || credential == null || credential.isEmpty()) {
      throw new IllegalArgumentException("not a TURN REST API credential");
    }
  }

  /** A credential with a fresh random name, valid until {@code nowSeconds + ttlSeconds}. */
  public static TurnCredentials issue(String secret, long nowSeconds, long ttlSeconds) {
    return of(secret, nowSeconds + ttlSeconds, Base64Url.random(NAME_BYTES));
  }

  static TurnCredentials of(String secret, long expiry, String name) {
    String username = expiry + ":" + name;
    return new TurnCredentials(username, hmacSha1Base64(secret, username), expiry);
  }

  static String hmacSha1Base64(String secret, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "TurnCredentials[expiresAt=" + expiresAt + ", username and credential redacted]";
  }
}
