package chat.sotto.admission;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a client address into a {@link ClientKey}: HMAC-SHA256 under a random key made at startup, truncated to 128
 * bits. The key lives only in this object (never stored, logged or shared between nodes), so after a restart the old
 * hashes mean nothing to anyone. An IPv6 client is keyed by its /64, because one host or home usually holds a whole
 * /64 and could otherwise take a fresh budget per address.
 */
public final class ClientKeys {
  private static final String HMAC = "HmacSHA256";
  private final SecretKeySpec key;
  private final Mac prototype;

  private ClientKeys(byte[] secret) {
    this.key = new SecretKeySpec(secret, HMAC);
    Arrays.fill(secret, (byte) 0);
    this.prototype = mac(key);
  }

  /** Keys under a fresh random 256-bit secret. */
  public static ClientKeys withRandomSecret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return new ClientKeys(secret);
  }

  /** The key of a client address; IPv4-mapped IPv6 addresses arrive here as IPv4 already (InetAddress does that). */
  public ClientKey of(InetAddress address) {
    byte[] raw = address.getAddress();
    Mac mac = freshMac();
    if (address instanceof Inet6Address) {
      mac.update((byte) 6);
      mac.update(raw, 0, 8);
    } else {
      mac.update((byte) 4);
      mac.update(raw);
    }
    ByteBuffer hash = ByteBuffer.wrap(mac.doFinal());
    return new ClientKey(hash.getLong(), hash.getLong());
  }

  /** A Mac is not thread-safe: each call works on a clone of the initialised one (cheap), or a new one. */
  private Mac freshMac() {
    try {
      return (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      return mac(key);
    }
  }

  private static Mac mac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
