package chat.sotto.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.message.Envelope;
import chat.sotto.session.SessionId;
import chat.sotto.session.SessionToken;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Identifiers and byte strings have exactly one valid spelling; values that break the rules cannot be built. */
class Base64UrlTest {
  @Test
  void onlyCanonicalUnpaddedBase64UrlIsAccepted() {
    assertEquals(12, Base64Url.decodedLength("AAAAAAAAAAAAAAAA"));
    assertEquals(1, Base64Url.decodedLength("AA"));
    assertEquals(-1, Base64Url.decodedLength("AB"), "non-zero padding bits");
    assertEquals(-1, Base64Url.decodedLength("A"));
    assertEquals(-1, Base64Url.decodedLength("AA=="));
    assertEquals(-1, Base64Url.decodedLength("a+b/"));
    assertEquals(-1, Base64Url.decodedLength("AA AA"));
    assertEquals(-1, Base64Url.decodedLength(null));
    assertTrue(Base64Url.isExactly("A".repeat(43), 32));
    assertFalse(Base64Url.isExactly("A".repeat(43), 31));
  }

  @Test
  void randomIdentifiersAreFreshAndWellFormed() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = SessionId.random().value();
      assertTrue(SessionId.isValid(id));
      assertTrue(seen.add(id));
    }
  }

  @Test
  void tokensAreParsedFromBearerHeadersAndHashedNeverShown() {
    SessionToken token = SessionToken.random();
    assertEquals(43, token.value().length());
    SessionToken parsed = SessionToken.fromAuthorization("Bearer " + token.value());
    assertEquals(token.hash(), parsed.hash());
    assertEquals(43, token.hash().length());
    assertFalse(token.hash().equals(token.value()));
    assertFalse(token.toString().contains(token.value()));
    assertEquals(null, SessionToken.fromAuthorization("Basic " + token.value()));
    assertEquals(null, SessionToken.fromAuthorization("Bearer short"));
    assertEquals(null, SessionToken.fromAuthorization(null));
  }

  @Test
  void envelopesRejectBadCountersIvsAndCiphertexts() {
    String iv = "AAAAAAAAAAAAAAAA";
    String ct = "A".repeat(22);
    new Envelope(1, iv, ct);
    for (Runnable bad :
        new Runnable[] {
          () -> new Envelope(0, iv, ct),
          () -> new Envelope(Envelope.MAX_COUNTER + 1, iv, ct),
          () -> new Envelope(1, "AAAA", ct),
          () -> new Envelope(1, iv, "AAAA"),
          () -> new Envelope(1, iv, null)
        }) {
      try {
        bad.run();
        throw new AssertionError("accepted a bad envelope");
      } catch (IllegalArgumentException expected) {
        // refused at construction
      }
    }
  }
}
