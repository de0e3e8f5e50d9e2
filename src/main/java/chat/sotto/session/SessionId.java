package chat.sotto.session;

import chat.sotto.common.Base64Url;

/** A participant's public, random identifier: 128 bits, base64url. */
public record SessionId(String value) {
  public static final int BYTES = 16;

  public SessionId {
    if (!Base64Url.isExactly(value, BYTES)) {
      throw new IllegalArgumentException("not a session id");
    }
  }

  public static SessionId random() {
    return new SessionId(Base64Url.random(BYTES));
  }

  public static boolean isValid(String value) {
    return Base64Url.isExactly(value, BYTES);
  }

  @Override
  public String toString() {
    return value;
  }
}
