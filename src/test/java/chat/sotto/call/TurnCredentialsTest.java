package chat.sotto.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.common.Base64Url;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Known-answer vectors of the TURN REST API credential (values computed independently with openssl). */
class TurnCredentialsTest {
  @Test
  void hmacSha1MatchesTheRfc2104ReferenceVector() {
    // HMAC-SHA1("key", "The quick brown fox jumps over the lazy dog") = de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9
    assertEquals("3nybhbi3iqa8ino29wqQcBydtNk=", TurnCredentials.hmacSha1Base64("key", "The quick brown fox jumps over the lazy dog"));
    assertEquals("9Cuw7rAY671Fl65yE3EexgdghD8=", TurnCredentials.hmacSha1Base64("key", ""));
  }

  @Test
  void usernameIsExpiryAndNameAndCredentialIsItsHmac() {
    TurnCredentials c = TurnCredentials.of("north-sea-secret", 1_700_003_600L, "AAECAwQFBgcICQoLDA0ODw");
    assertEquals("1700003600:AAECAwQFBgcICQoLDA0ODw", c.username());
    assertEquals("/3bIvqs9sLod3/VFroe+fFm7xNQ=", c.credential());
    assertEquals(1_700_003_600L, c.expiresAt());
    assertFalse(c.toString().contains(c.credential()));
    assertFalse(c.toString().contains("AAECAwQFBgcICQoLDA0ODw"), "the name stays out of log lines too");
  }

  @Test
  void everyIssuedCredentialHasAFreshRandomNameAndExpiresAfterItsLifetime() {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      TurnCredentials c = TurnCredentials.issue("north-sea-secret", 1_700_000_000L, 600);
      assertEquals(1_700_000_600L, c.expiresAt());
      assertTrue(c.username().startsWith("1700000600:"), c.username());
      String name = c.username().substring("1700000600:".length());
      assertTrue(Base64Url.isExactly(name, 16), "128 random bits, base64url: " + name);
      assertEquals(TurnCredentials.hmacSha1Base64("north-sea-secret", c.username()), c.credential());
      names.add(name);
    }
    assertEquals(1000, names.size(), "no name repeats, so two credentials cannot be linked by their names");
    TurnCredentials a = TurnCredentials.issue("north-sea-secret", 1_700_000_000L, 600);
    TurnCredentials b = TurnCredentials.issue("north-sea-secret", 1_700_000_000L, 600);
    assertNotEquals(a.credential(), b.credential());
  }
}
