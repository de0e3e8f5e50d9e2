package chat.sotto.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.common.Base64Url;
import chat.sotto.common.HostileJson;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Session tokens and IDs as clients send them (Authorization header, auth frame, signal recipient) under bad input
 * of every shape: a well-formed value or "no token" (null, so 401), never an exception.
 */
class SessionTokenPropertyTest {
  @Property(tries = 3000)
  void anyAuthorizationHeaderIsAWellFormedTokenOrNone(@ForAll("headers") String header) {
    SessionToken token = SessionToken.fromAuthorization(header);
    if (token != null) {
      assertTrue(header.startsWith("Bearer "), header);
      assertTrue(Base64Url.isExactly(token.value(), SessionToken.BYTES));
      assertEquals(header.substring("Bearer ".length()).trim(), token.value());
      assertEquals(43, token.hash().length());
    }
  }

  @Property(tries = 2000)
  void anyTokenTextIsAWellFormedTokenOrNone(@ForAll("tokens") String text) {
    SessionToken token = SessionToken.parse(text);
    assertEquals(Base64Url.isExactly(text, SessionToken.BYTES), token != null);
    if (token != null) {
      assertEquals(text, token.value());
    }
  }

  @Property(tries = 1000)
  void aValidTokenRoundTripsAndItsHashIsNotTheToken(@ForAll @Size(32) byte[] bytes) {
    String value = Base64Url.encode(bytes);
    SessionToken token = SessionToken.fromAuthorization("Bearer " + value);
    assertEquals(value, token.value());
    assertEquals(value, SessionToken.parse(value).value());
    assertEquals(token.hash(), SessionToken.parse(value).hash());
    assertNotEquals(value, token.hash());
    assertEquals("SessionToken[redacted]", token.toString());
  }

  @Property(tries = 2000)
  void aSessionIdIsValidExactlyWhenItCanBeBuilt(@ForAll("tokens") String text) {
    if (SessionId.isValid(text)) {
      assertEquals(text, new SessionId(text).value());
    } else {
      assertThrows(IllegalArgumentException.class, () -> new SessionId(text));
    }
  }

  @Provide
  Arbitrary<String> tokens() {
    Arbitrary<String> of32 = Arbitraries.bytes().array(byte[].class).ofSize(32).map(Base64Url::encode);
    Arbitrary<String> of16 = Arbitraries.bytes().array(byte[].class).ofSize(16).map(Base64Url::encode);
    return Arbitraries.oneOf(
        of32,
        of16,
        Arbitraries.oneOf(of32, of16).flatMap(v -> Arbitraries.randomValue(r -> new HostileJson(r).mutateText(v))),
        Arbitraries.strings().all().ofMaxLength(60));
  }

  @Provide
  Arbitrary<String> headers() {
    return Arbitraries.oneOf(
        tokens().map(t -> "Bearer " + t),
        tokens().flatMap(t -> Arbitraries.randomValue(r -> new HostileJson(r).mutateText("Bearer " + t))),
        Combinators.combine(Arbitraries.of("bearer ", "Basic ", "Bearer", "Bearer  ", " Bearer ", "Bearer\t", ""), tokens())
            .as((scheme, t) -> scheme + t),
        Arbitraries.strings().all().ofMaxLength(80))
        .injectNull(0.01);
  }
}
