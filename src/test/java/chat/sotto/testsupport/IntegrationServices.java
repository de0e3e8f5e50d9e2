package chat.sotto.testsupport;

import java.io.IOException;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts the services the integration tests need besides Liberty, before Arquillian starts Liberty, and stops them
 * at the end: a coturn on loopback with a generated secret. Its URL and secret reach Liberty as system properties
 * (arquillian.xml's javaVmArguments), i.e. as MicroProfile Config values. Unit test runs start nothing.
 */
public class IntegrationServices implements LauncherSessionListener {
  private static TestTurnServer turn;

  public static TestTurnServer turn() {
    if (turn == null) {
      throw new AssertionError("coturn is not running: install Debian's coturn package (.ci/run does)");
    }
    return turn;
  }

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    if (System.getProperty("sotto.war") == null || turn != null || !TestTurnServer.installed()) {
      return;
    }
    try {
      turn = TestTurnServer.start();
      System.setProperty("sotto.test.turn.urls", turn.urls());
      System.setProperty("sotto.test.turn.secret", turn.secret());
    } catch (IOException e) {
      throw new IllegalStateException("could not start coturn for the tests", e);
    }
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (turn != null) {
      turn.close();
      turn = null;
    }
  }
}
