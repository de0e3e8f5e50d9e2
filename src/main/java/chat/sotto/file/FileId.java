package chat.sotto.file;

import chat.sotto.common.Base64Url;
import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;

/** A file's identifier: 128 random bits from the server's SecureRandom, base64url (22 characters). */
public record FileId(String value) {
  public static final int BYTES = 16;

  public FileId {
    if (!Base64Url.isExactly(value, BYTES)) {
      throw new IllegalArgumentException("not a file id");
    }
  }

  public static FileId random() {
    return new FileId(Base64Url.random(BYTES));
  }

  /** Parses client input, refusing it with 400 when it is not a file identifier. */
  public static FileId parse(String value) {
    if (!Base64Url.isExactly(value, BYTES)) {
      throw new Refusal(Reason.BAD_REQUEST);
    }
    return new FileId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
