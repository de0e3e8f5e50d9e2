package chat.sotto.web;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.Extension;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Refuses to deploy Sotto outside development while HTTPS would use the development keystore password, the default
 * of {@code KEYSTORE_PASSWORD} in server.xml that anyone can read in this repository. A server is a development
 * server only when it says so ({@code sotto.development=true}): the servers that Maven makes for {@code liberty:run},
 * {@code liberty:dev} and the tests do, the container image and a copied server configuration do not, so a
 * production server without its own keystore password fails loudly at start instead of serving.
 *
 * <p>A CDI extension, so that the check runs when the deployment is validated, before any startup bean touches the
 * database. (Extensions cannot have configuration injected; it is read from MicroProfile Config directly.)
 */
public class KeystoreGuard implements Extension {
  static final String DEVELOPMENT_PASSWORD = "sotto-development-only";

  static final String REFUSAL =
      "Sotto refuses to start: KEYSTORE_PASSWORD is unset or the development password. In production set"
          + " KEYSTORE_PASSWORD (and KEYSTORE_LOCATION) to your own keystore; on a development server set"
          + " SOTTO_DEVELOPMENT=true.";

  private static final Logger LOG = Logger.getLogger(KeystoreGuard.class.getName());

  void check(@Observes AfterDeploymentValidation validation) {
    Config config = ConfigProvider.getConfig(Thread.currentThread().getContextClassLoader());
    boolean development = config.getOptionalValue("sotto.development", Boolean.class).orElse(false);
    Optional<String> password = config.getOptionalValue("KEYSTORE_PASSWORD", String.class);
    if (refuses(development, password)) {
      LOG.severe(REFUSAL);
      validation.addDeploymentProblem(new IllegalStateException(REFUSAL));
    }
  }

  /** True when a server that is not a development server would serve HTTPS with a password everyone knows. */
  static boolean refuses(boolean development, Optional<String> keystorePassword) {
    if (development) {
      return false;
    }
    return keystorePassword.map(String::strip).filter(p -> !p.isEmpty() && !p.equals(DEVELOPMENT_PASSWORD)).isEmpty();
  }
}
