package chat.sotto.testsupport;

import java.io.IOException;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts the services the integration tests need besides Liberty, before Arquillian starts Liberty, and stops them at
 * the end, all on loopback: a coturn with a generated secret (its URL and secret reach Liberty as system properties,
 * i.e. MicroProfile Config values, through arquillian.xml), and, when the build asks for them with the system
 * properties {@code sotto.it.pg.port} / {@code sotto.it.redis.port} (ports that Maven reserved), a private
 * PostgreSQL and a private Redis. Unit test runs start nothing.
 */
public class IntegrationServices implements LauncherSessionListener {
  private static TestTurnServer turn;
  private static TestPostgres postgres;
  private static TestRedis redis;

  public static TestTurnServer turn() {
    if (turn == null) {
      throw new AssertionError("coturn is not running: install Debian's coturn package (.ci/run does)");
    }
    return turn;
  }

  public static TestPostgres postgres() {
    if (postgres == null) {
      throw new AssertionError("no test PostgreSQL: run through Maven's postgresql integration-test execution");
    }
    return postgres;
  }

  public static TestRedis redis() {
    if (redis == null) {
      throw new AssertionError("no test Redis: run through Maven's postgresql integration-test execution");
    }
    return redis;
  }

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    if (System.getProperty("sotto.war") == null) {
      return;
    }
    try {
      if (turn == null && TestTurnServer.installed()) {
        turn = TestTurnServer.start();
        System.setProperty("sotto.test.turn.urls", turn.urls());
        System.setProperty("sotto.test.turn.secret", turn.secret());
      }
      String pgPort = System.getProperty("sotto.it.pg.port");
      if (postgres == null && pgPort != null) {
        postgres = TestPostgres.start(Integer.parseInt(pgPort));
      }
      String redisPort = System.getProperty("sotto.it.redis.port");
      if (redis == null && redisPort != null) {
        redis = TestRedis.start(Integer.parseInt(redisPort));
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not start the services for the integration tests", e);
    }
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (turn != null) {
      turn.close();
      turn = null;
    }
    if (redis != null) {
      redis.close();
      redis = null;
    }
    if (postgres != null) {
      postgres.close();
      postgres = null;
    }
  }
}
