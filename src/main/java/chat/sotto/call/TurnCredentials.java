package chat.sotto.call;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A TURN credential as coturn's {@code use-auth-secret} expects: username = expiry (Unix seconds) ":" user, credential
 * = base64(HMAC-SHA1(shared secret, username)). coturn refuses it once the expiry has passed.
 */
public record TurnCredentials(String username, String credential, long expiresAt) {
  public static TurnCredentials issue(String secret, String user, long nowSeconds, long ttlSeconds) {
    long expiry = nowSeconds + ttlSeconds;
    String username = expiry + ":" + user;
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
    return "TurnCredentials[username=" + username + ", credential=redacted]";
  }
}
