package chat.sotto.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a client key holds (a hash, never the address) and which addresses share one. */
class ClientKeysTest {
  private final ClientKeys keys = ClientKeys.withRandomSecret();

  private static InetAddress ip(String literal) {
    return ClientAddress.parseLiteral(literal).orElseThrow();
  }

  @Test
  void theSameAddressAlwaysGetsTheSameKeyAndAnotherAddressAnother() {
    assertEquals(keys.of(ip("203.0.113.7")), keys.of(ip("203.0.113.7")));
    assertEquals(keys.of(ip("203.0.113.7")).hashCode(), keys.of(ip("203.0.113.7")).hashCode());
    assertNotEquals(keys.of(ip("203.0.113.7")), keys.of(ip("203.0.113.8")));
  }

  @Test
  void everyAddressOfOneIpv6Slash64SharesOneKey() {
    ClientKey home = keys.of(ip("2001:db8:1:2::1"));
    assertEquals(home, keys.of(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")));
    assertEquals(home, keys.of(ip("2001:db8:1:2:abcd::42")));
    assertNotEquals(home, keys.of(ip("2001:db8:1:3::1")), "the next /64 is another client");
  }

  @Test
  void anIpv4MappedIpv6AddressIsTheSameClientAsItsIpv4Address() {
    assertEquals(keys.of(ip("198.51.100.9")), keys.of(ip("::ffff:198.51.100.9")));
  }

  @Test
  void anotherBootKeysTheSameAddressDifferently() {
    assertNotEquals(keys.of(ip("203.0.113.7")), ClientKeys.withRandomSecret().of(ip("203.0.113.7")));
  }

  @Test
  void aKeyHoldsOnlyA128BitHashAndShowsNoAddress() throws Exception {
    for (String literal : List.of("203.0.113.7", "2001:db8:1:2::1")) {
      InetAddress address = ip(literal);
      ClientKey key = keys.of(address);
      Field[] fields =
          Arrays.stream(ClientKey.class.getDeclaredFields())
              .filter(f -> !Modifier.isStatic(f.getModifiers()))
              .toArray(Field[]::new);
      assertEquals(2, fields.length);
      for (Field f : fields) {
        assertEquals(long.class, f.getType(), "only hash bits: " + f.getName());
      }
      String shown = key.toString();
      assertTrue(shown.matches("ClientKey\\[[0-9a-f]{32}]"), shown);
      assertFalse(shown.contains(literal), shown);
      for (Field f : fields) {
        f.setAccessible(true);
        long bits = f.getLong(key);
        byte[] raw = address.getAddress();
        long prefix = 0;
        for (int i = 0; i < Math.min(8, raw.length); i++) {
          prefix = prefix << 8 | (raw[i] & 0xff);
        }
        assertNotEquals(prefix, bits, "the address must not appear in the key");
      }
    }
  }
}
