package chat.sotto.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeystoreGuardTest {
  @Test
  void aProductionServerWithoutItsOwnKeystorePasswordIsRefused() {
    assertTrue(KeystoreGuard.refuses(false, Optional.empty()));
    assertTrue(KeystoreGuard.refuses(false, Optional.of("")));
    assertTrue(KeystoreGuard.refuses(false, Optional.of("  ")));
    assertTrue(KeystoreGuard.refuses(false, Optional.of("sotto-development-only")));
    assertTrue(KeystoreGuard.refuses(false, Optional.of(" sotto-development-only\n")));
  }

  @Test
  void aProductionServerWithItsOwnKeystorePasswordStarts() {
    assertFalse(KeystoreGuard.refuses(false, Optional.of("a-password-of-the-operator")));
  }

  @Test
  void aDevelopmentServerStartsWithTheDevelopmentPassword() {
    assertFalse(KeystoreGuard.refuses(true, Optional.of("sotto-development-only")));
    assertFalse(KeystoreGuard.refuses(true, Optional.empty()));
  }
}
