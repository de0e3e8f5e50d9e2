package chat.sotto.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Base64Url against the JDK's decoder: every byte string has exactly one accepted spelling, and the checks that
 * guard identifiers and ciphertexts agree with what the JDK would decode.
 */
class Base64UrlPropertyTest {
  private static final Base64.Decoder JDK = Base64.getUrlDecoder();

  @Property(tries = 2000)
  void bytesRoundTripThroughTheEncoding(@ForAll @Size(max = 600) byte[] bytes) {
    String encoded = Base64Url.encode(bytes);
    assertArrayEquals(bytes, Base64Url.decode(encoded));
    assertEquals(bytes.length, Base64Url.decodedLength(encoded));
    assertEquals(Base64Url.encodedLength(bytes.length), encoded.length());
    assertEquals(true, Base64Url.isExactly(encoded, bytes.length));
    assertEquals(false, Base64Url.isExactly(encoded, bytes.length + 1));
  }

  @Property(tries = 5000)
  void decodedLengthAcceptsExactlyTheCanonicalSpellingsTheJdkDecodes(@ForAll("base64ish") String s) {
    int expected;
    try {
      byte[] decoded = JDK.decode(s);
      // The JDK also takes padding and non-zero unused bits; only its own unpadded output is canonical.
      expected = Base64Url.encode(decoded).equals(s) ? decoded.length : -1;
    } catch (IllegalArgumentException e) {
      expected = -1;
    }
    assertEquals(expected, Base64Url.decodedLength(s), () -> "for " + s);
  }

  @Property(tries = 2000)
  void isExactlyNeverThrowsAndAgreesWithDecodedLength(
      @ForAll("base64ish") String s, @ForAll @IntRange(min = -1, max = 64) int bytes) {
    boolean exactly = Base64Url.isExactly(s, bytes);
    assertEquals(Base64Url.decodedLength(s) == bytes && s.length() == Base64Url.encodedLength(bytes), exactly);
  }

  @Property(tries = 1000)
  void anyTextIsEitherCanonicalOrRefused(@ForAll String s) {
    int n = Base64Url.decodedLength(s);
    if (n >= 0) {
      assertEquals(s, Base64Url.encode(Base64Url.decode(s)));
      assertEquals(n, Base64Url.decode(s).length);
    }
  }

  @Provide
  Arbitrary<String> base64ish() {
    Arbitrary<String> alphabetAndNoise =
        Arbitraries.strings()
            .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            .withChars("AQgw-_=+/ \n\u0000\uD800é")
            .ofMaxLength(70);
    Arbitrary<String> canonicalThenMutated =
        Arbitraries.bytes()
            .array(byte[].class)
            .ofMaxSize(48)
            .map(Base64Url::encode)
            .flatMap(
                e ->
                    Arbitraries.randomValue(
                        r -> e.isEmpty() || r.nextInt(4) == 0 ? e : new HostileJson(r).mutateText(e)));
    return Arbitraries.oneOf(alphabetAndNoise, canonicalThenMutated);
  }
}
