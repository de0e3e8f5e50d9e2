package chat.sotto.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * One headless Chromium from the Debian package, driven through its chromedriver (Selenium Manager is never asked),
 * with a fresh profile that is deleted on close. The chat and the call browser tests add their own flags and logs.
 */
public final class Chromium implements AutoCloseable {
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final List<String> FLAGS =
      List.of(
          "--headless=new",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-dev-shm-usage",
          "--disable-quic",
          "--no-first-run",
          "--no-default-browser-check",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-extensions");

  private final Path profile;
  private final ChromeDriverService service;
  private final ChromeDriver driver;
  private boolean quit;

  private Chromium(Path profile, ChromeDriverService service, ChromeDriver driver) {
    this.profile = profile;
    this.service = service;
    this.driver = driver;
  }

  /**
   * Starts Chromium with the common flags plus {@code extraFlags}, recording the given log types (all levels).
   */
  public static Chromium launch(String profilePrefix, List<String> logTypes, List<String> extraFlags) {
    return launch(profilePrefix, logTypes, extraFlags, Map.of());
  }

  /** As {@link #launch(String, List, List)}, with these browser preferences (e.g. intl.accept_languages). */
  public static Chromium launch(
      String profilePrefix, List<String> logTypes, List<String> extraFlags, Map<String, Object> prefs) {
    Path profile;
    try {
      profile = Files.createTempDirectory(profilePrefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> flags = new ArrayList<>(FLAGS);
    flags.addAll(extraFlags);
    flags.add("--user-data-dir=" + profile);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(flags);
    if (!prefs.isEmpty()) {
      options.setExperimentalOption("prefs", prefs);
    }
    LoggingPreferences logs = new LoggingPreferences();
    logTypes.forEach(type -> logs.enable(type, Level.ALL));
    options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    try {
      return new Chromium(profile, service, new ChromeDriver(service, options));
    } catch (RuntimeException e) {
      service.stop();
      deleteTree(profile);
      throw e;
    }
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** The profile folder (--user-data-dir): what the browser wrote to disk. */
  public Path profile() {
    return profile;
  }

  /** Ends the browser as a person quitting it would, keeping its profile folder until {@link #close()}. */
  public void quit() {
    if (quit) {
      return;
    }
    quit = true;
    try {
      driver.quit();
    } finally {
      service.stop();
    }
  }

  @Override
  public void close() {
    try {
      quit();
    } finally {
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary profile is harmless
    }
  }
}
