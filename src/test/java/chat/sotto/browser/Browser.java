package chat.sotto.browser;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium with a fresh profile, driven through its visible controls by their accessible names.
 * It records everything the browser sends (Chrome's performance log) and what its console reports.
 */
final class Browser implements AutoCloseable {
  /** The longest any single step of a person may take to show its effect. */
  static final Duration WAIT = Duration.ofSeconds(15);

  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final String BUTTONS = "button, [role=button], input[type=submit], input[type=button]";
  private static final String TEXTBOXES = "input:not([type]), input[type=text], input[type=search], textarea";

  private final Chromium chromium;
  private final ChromeDriver driver;
  private final List<JsonObject> network = new ArrayList<>();
  private final List<LogEntry> console = new ArrayList<>();

  private Browser(Chromium chromium) {
    this.chromium = chromium;
    this.driver = chromium.driver();
  }

  /** Starts Chromium from the Debian package through its chromedriver; Selenium Manager is never asked. */
  static Browser start() {
    return start(List.of());
  }

  /** Starts Chromium with extra command-line flags (a fake camera and microphone, for instance). */
  static Browser start(List<String> extraFlags) {
    List<String> flags = new ArrayList<>(List.of("--window-size=1280,900"));
    flags.addAll(extraFlags);
    return new Browser(Chromium.launch("sotto-chromium-", List.of(LogType.PERFORMANCE, LogType.BROWSER), flags));
  }

  /** Sends a Chrome DevTools Protocol command to the current tab (emulated screen size, media features, grants). */
  Map<String, Object> cdp(String command, Map<String, Object> params) {
    return driver.executeCdpCommand(command, params);
  }

  /** The current tab as a PNG image of its viewport. */
  byte[] screenshot() {
    return driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES);
  }

  /** Opens a new tab in the same window and switches to it; returns the handle of the tab that was current. */
  String openOtherTab() {
    String current = driver.getWindowHandle();
    driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
    return current;
  }

  /** Closes the current tab and goes back to the tab with this handle. */
  void closeTabAndReturnTo(String handle) {
    driver.close();
    driver.switchTo().window(handle);
  }

  /**
   * Starts Chromium as a person whose browser asks for these languages first, e.g. "de-DE,de": its UI language
   * (--lang) and the languages it offers pages (navigator.languages, Accept-Language).
   */
  static Browser startInLanguage(String acceptLanguages) {
    return new Browser(
        Chromium.launch(
            "sotto-chromium-",
            List.of(LogType.PERFORMANCE, LogType.BROWSER),
            List.of("--window-size=1280,900", "--lang=" + acceptLanguages.split(",")[0]),
            Map.of("intl.accept_languages", acceptLanguages)));
  }

  /** Navigates to a URL and waits until the document and its scripts have loaded. */
  void open(String url) {
    driver.get(url);
    awaitLoaded();
  }

  /** Reloads the current page, as the browser's reload button does. */
  void reload() {
    driver.navigate().refresh();
    awaitLoaded();
  }

  private void awaitLoaded() {
    until("the page to load", d -> "complete".equals(script("return document.readyState")));
  }

  /** The visible, enabled button with this accessible name, once there is one. */
  WebElement button(String name) {
    return until("an enabled button named \"" + name + "\"", d -> enabled(visible(BUTTONS, name)));
  }

  void click(String buttonName) {
    button(buttonName).click();
  }

  /** The visible, enabled text box with this accessible name (its label), once there is one. */
  WebElement textbox(String name) {
    return until("an enabled text box named \"" + name + "\"", d -> enabled(visible(TEXTBOXES, name)));
  }

  /** The visible, enabled drop-down list (select) with this accessible name (its label), once there is one. */
  Select dropDown(String name) {
    return new Select(until("an enabled drop-down list named \"" + name + "\"", d -> enabled(visible("select", name))));
  }

  /** Whether a button or text box with this accessible name is visible now (no waiting). */
  boolean shows(String name) {
    return visible(BUTTONS + ", " + TEXTBOXES, name) != null;
  }

  private WebElement visible(String css, String name) {
    for (WebElement e : driver.findElements(By.cssSelector(css))) {
      if (e.isDisplayed() && name.equals(e.getAccessibleName())) {
        return e;
      }
    }
    return null;
  }

  private static WebElement enabled(WebElement e) {
    return e != null && e.isEnabled() ? e : null;
  }

  /** Waits (bounded by {@link #WAIT}) until the condition yields a value that is neither null nor false. */
  <T> T until(String what, Function<WebDriver, T> condition) {
    return until(what, WAIT, condition);
  }

  <T> T until(String what, Duration timeout, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, timeout, Duration.ofMillis(50))
        .withMessage(what)
        .ignoring(StaleElementReferenceException.class)
        .until(condition);
  }

  /** Runs a script in the page: to read its state, or to do what an attacker's injected code would try. */
  Object script(String js, Object... args) {
    return driver.executeScript(js, args);
  }

  /** Runs an asynchronous script: it ends by calling {@code arguments[arguments.length - 1]} with its result. */
  Object asyncScript(String js, Object... args) {
    return driver.executeAsyncScript(js, args);
  }

  /**
   * Opens {@code url} in a new tab of this browser, waits there until the condition holds, then closes that tab and
   * comes back: the first tab's page and history stay as they were.
   */
  void untilInNewTab(String url, String what, Function<WebDriver, Object> condition) {
    String first = driver.getWindowHandle();
    driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
    try {
      open(url);
      until(what, condition);
    } finally {
      driver.close();
      driver.switchTo().window(first);
    }
  }

  /** Presses a key where the focus is, as a person at the keyboard does. */
  void press(CharSequence key) {
    new org.openqa.selenium.interactions.Actions(driver).sendKeys(key).perform();
  }

  /** A Chrome DevTools Protocol command on this page (what DevTools itself shows, such as the app manifest). */
  Map<String, Object> devTools(String command, Map<String, Object> parameters) {
    return driver.executeCdpCommand(command, parameters);
  }

  /** Gives a file to the page's file input with this id, as a person choosing it in the file picker does. */
  void chooseFile(String inputId, java.nio.file.Path file) {
    driver.findElement(By.id(inputId)).sendKeys(file.toAbsolutePath().toString());
  }

  /** Lets the page save downloads, into a folder of this browser's profile (removed with it); returns the folder. */
  java.nio.file.Path allowDownloads() {
    java.nio.file.Path folder = profile().resolve("downloads");
    try {
      java.nio.file.Files.createDirectories(folder);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    driver.executeCdpCommand("Browser.setDownloadBehavior",
        Map.of("behavior", "allow", "downloadPath", folder.toAbsolutePath().toString()));
    return folder;
  }

  /** Lets the page at this origin read the clipboard, as a person pasting would (writing needs no grant). */
  void allowClipboardReading(String origin) {
    driver.executeCdpCommand("Browser.grantPermissions",
        Map.of("origin", origin, "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
  }

  /** Whether a JavaScript alert, confirm or prompt dialog is open. */
  boolean hasAlert() {
    try {
      driver.switchTo().alert();
      return true;
    } catch (NoAlertPresentException e) {
      return false;
    }
  }

  String url() {
    return driver.getCurrentUrl();
  }

  /** Goes one step back in the tab's history, as the Back button does. */
  void back() {
    driver.navigate().back();
  }

  /** The URL of every entry of this tab's session history (what Back and Forward can reach), oldest first. */
  List<String> historyUrls() {
    Map<String, Object> history = driver.executeCdpCommand("Page.getNavigationHistory", Map.of());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> entries = (List<Map<String, Object>>) history.get("entries");
    return entries.stream().map(e -> (String) e.get("url")).toList();
  }

  /** The profile folder the browser writes to disk. */
  java.nio.file.Path profile() {
    return chromium.profile();
  }

  /** Quits the browser as a person would; its profile folder stays until {@link #close()}. */
  void quit() {
    chromium.quit();
  }

  /** Everything this browser has sent so far: request URLs, headers and bodies, WebSocket handshakes and frames. */
  SentTraffic sent() {
    drainLogs();
    return SentTraffic.of(network);
  }

  /** Every frame this browser received on its WebSockets so far, one entry per frame (a message may carry several). */
  List<String> receivedFrames() {
    drainLogs();
    List<String> frames = new java.util.ArrayList<>();
    for (JsonObject event : network) {
      if ("Network.webSocketFrameReceived".equals(event.getString("method"))) {
        String payload = event.getJsonObject("params").getJsonObject("response").getString("payloadData", "");
        frames.addAll(List.of(payload.split("\n")));
      }
    }
    return frames;
  }

  /** Response headers of the document loaded from {@code url}, as the browser received them (names in lower case). */
  Map<String, String> documentHeaders(String url) {
    drainLogs();
    for (JsonObject event : network) {
      if ("Network.responseReceived".equals(event.getString("method"))) {
        JsonObject params = event.getJsonObject("params");
        JsonObject response = params.getJsonObject("response");
        if ("Document".equals(params.getString("type", "")) && url.equals(response.getString("url"))) {
          Map<String, String> headers = new TreeMap<>();
          response.getJsonObject("headers").forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), SentTraffic.text(v)));
          return headers;
        }
      }
    }
    throw new AssertionError("no document response from " + url + " was recorded");
  }

  /** Console messages at SEVERE level (errors, CSP violations, failed loads) since the browser started. */
  List<String> consoleErrors() {
    drainLogs();
    return console.stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  private void drainLogs() {
    for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
      try (JsonReader r = Json.createReader(new StringReader(entry.getMessage()))) {
        JsonObject message = r.readObject().getJsonObject("message");
        if (message.getString("method", "").startsWith("Network.")) {
          network.add(message);
        }
      }
    }
    console.addAll(driver.manage().logs().get(LogType.BROWSER).getAll());
  }

  @Override
  public void close() {
    chromium.close();
  }
}
