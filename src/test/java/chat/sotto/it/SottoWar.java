package chat.sotto.it;

import java.io.File;
import java.net.URI;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The real WAR that {@code mvn package} built, deployed as is, and where it answers. */
public final class SottoWar {
  public static final URI BASE =
      URI.create("http://localhost:" + System.getProperty("sotto.http.port", "9181") + "/");

  /** The origin a page served by the test server has. */
  public static final String ORIGIN = "http://localhost:" + BASE.getPort();

  private SottoWar() {}

  public static WebArchive archive() {
    File war = new File(System.getProperty("sotto.war", "target/sotto.war"));
    return ShrinkWrap.createFromZipFile(WebArchive.class, war);
  }
}
