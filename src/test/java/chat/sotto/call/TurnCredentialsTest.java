package chat.sotto.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
  void usernameIsExpiryAndUserAndCredentialIsItsHmac() {
    TurnCredentials c = TurnCredentials.issue("north-sea-secret", "AAECAwQFBgcICQoLDA0ODw", 1_700_000_000L, 3600);
    assertEquals("1700003600:AAECAwQFBgcICQoLDA0ODw", c.username());
    assertEquals("/3bIvqs9sLod3/VFroe+fFm7xNQ=", c.credential());
    assertEquals(1_700_003_600L, c.expiresAt());
    assertFalse(c.toString().contains(c.credential()));
  }
}
