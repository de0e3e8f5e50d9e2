package chat.sotto.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which address a request is keyed by: forged headers from untrusted peers count for nothing. */
class ClientAddressTest {
  private static final TrustedProxies LOCAL_PROXY = TrustedProxies.parse("127.0.0.1, ::1");

  private static InetAddress ip(String literal) {
    return ClientAddress.parseLiteral(literal).orElseThrow();
  }

  @Test
  void withoutTrustedProxiesTheDirectPeerIsTheClientWhateverTheHeaderSays() {
    assertEquals(
        ip("192.0.2.10"), ClientAddress.resolve("192.0.2.10", List.of("203.0.113.7"), TrustedProxies.none()));
    assertEquals(ip("127.0.0.1"), ClientAddress.resolve("127.0.0.1", List.of("203.0.113.7"), TrustedProxies.none()));
  }

  @Test
  void aForgedForwardedForFromAnUntrustedPeerIsIgnored() {
    assertEquals(
        ip("192.0.2.10"), ClientAddress.resolve("192.0.2.10", List.of("203.0.113.7, 198.51.100.9"), LOCAL_PROXY));
  }

  @Test
  void behindATrustedProxyTheRightMostUntrustedHopIsTheClient() {
    assertEquals(ip("203.0.113.7"), ClientAddress.resolve("127.0.0.1", List.of("203.0.113.7"), LOCAL_PROXY));
    // the client wrote the left-most hop itself to borrow another budget: the proxy's own entry wins
    assertEquals(
        ip("198.51.100.9"), ClientAddress.resolve("127.0.0.1", List.of("203.0.113.7, 198.51.100.9"), LOCAL_PROXY));
    // a chain of trusted proxies is walked through
    TrustedProxies chain = TrustedProxies.parse("127.0.0.1, 10.0.0.0/8");
    assertEquals(
        ip("198.51.100.9"),
        ClientAddress.resolve("127.0.0.1", List.of("203.0.113.7", "198.51.100.9, 10.1.2.3"), chain));
    assertEquals(ip("2001:db8::5"), ClientAddress.resolve("::1", List.of("[2001:db8::5]:4711"), LOCAL_PROXY));
  }

  @Test
  void aMalformedHopStopsTheWalkAtTheLastProxy() {
    assertEquals(ip("127.0.0.1"), ClientAddress.resolve("127.0.0.1", List.of("unknown"), LOCAL_PROXY));
    assertEquals(
        ip("127.0.0.1"), ClientAddress.resolve("127.0.0.1", List.of("203.0.113.7, example.org"), LOCAL_PROXY));
    assertEquals(ip("127.0.0.1"), ClientAddress.resolve("127.0.0.1", List.of(""), LOCAL_PROXY));
  }

  @Test
  void onlyIpLiteralsAreParsedAndNoNameIsLookedUp() {
    assertEquals(ip("203.0.113.7"), ClientAddress.parseLiteral("203.0.113.7:443").orElseThrow());
    for (String notLiteral :
        List.of("localhost", "example.org", "256.1.1.1", "1.2.3", "fe80::1%eth0", "::1::2", "", "1.2.3.4.5")) {
      assertTrue(ClientAddress.parseLiteral(notLiteral).isEmpty(), notLiteral);
    }
  }

  @Test
  void trustedProxiesMatchByPrefixAndRefuseNonsense() {
    TrustedProxies p = TrustedProxies.parse("10.0.0.0/8, 192.168.1.0/25, 2001:db8::/32");
    assertTrue(p.contains(ip("10.200.3.4")));
    assertTrue(p.contains(ip("192.168.1.127")));
    assertTrue(!p.contains(ip("192.168.1.128")));
    assertTrue(p.contains(ip("2001:db8:ffff::1")));
    assertTrue(!p.contains(ip("2001:db9::1")));
    assertTrue(!p.contains(ip("11.0.0.1")));
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("proxy.example.org"));
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.0.0.0/33"));
    assertTrue(TrustedProxies.parse(" , ").isEmpty());
  }
}
