package chat.sotto.message;

import chat.sotto.common.Base64Url;

/**
 * An encrypted envelope as a client sends it: the sender's counter, a 96-bit IV and the AES-GCM ciphertext.
 * Cannot be constructed with a malformed field.
 */
public record Envelope(long counter, String iv, String ciphertext) {
  public static final int IV_BYTES = 12;
  public static final int TAG_BYTES = 16;
  public static final long MAX_COUNTER = (1L << 53) - 1;

  public Envelope {
    if (counter < 1 || counter > MAX_COUNTER) {
      throw new IllegalArgumentException("counter out of range");
    }
    if (!Base64Url.isExactly(iv, IV_BYTES)) {
      throw new IllegalArgumentException("iv must be 12 bytes");
    }
    if (Base64Url.decodedLength(ciphertext) < TAG_BYTES) {
      throw new IllegalArgumentException("ciphertext must be base64url of at least a GCM tag");
    }
  }

  /**
   * What storing the envelope costs, in bytes: its IV and ciphertext as stored (base64url text), the measure of the
   * per-room and per-deployment storage caps. SQL computes the same as {@code LENGTH(iv) + LENGTH(ct)}.
   */
  public int storedBytes() {
    return iv.length() + ciphertext.length();
  }

  /** Decoded size of the ciphertext in bytes. */
  public int ciphertextBytes() {
    return Base64Url.decodedLength(ciphertext);
  }
}
