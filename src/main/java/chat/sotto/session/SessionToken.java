package chat.sotto.session;

import chat.sotto.common.Base64Url;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The secret bearer token of a session: 256 bits from SecureRandom. Only its hash is ever stored. */
public final class SessionToken {
  public static final int BYTES = 32;
  private static final String BEARER = "Bearer ";
  private final String value;

  private SessionToken(String value) {
    this.value = value;
  }

  public static SessionToken random() {
    return new SessionToken(Base64Url.random(BYTES));
  }

  /** Parses a token as sent by a client, or returns null when it has the wrong shape. */
  public static SessionToken parse(String value) {
    return Base64Url.isExactly(value, BYTES) ? new SessionToken(value) : null;
  }

  /** Parses an {@code Authorization: Bearer <token>} header, or returns null. */
  public static SessionToken fromAuthorization(String header) {
    if (header == null || !header.startsWith(BEARER)) {
      return null;
    }
    return parse(header.substring(BEARER.length()).trim());
  }

  public String value() {
    return value;
  }

  /** SHA-256 of the token, base64url: what the database keeps. */
  public String hash() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
      return Base64Url.encode(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "SessionToken[redacted]";
  }
}
