package chat.sotto.browser.call;

import chat.sotto.browser.Chromium;
import chat.sotto.it.SottoWar;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One person in a headless Chromium with fake camera, microphone and screen, driving the page by its controls'
 * accessible names. Before any page script runs, a test-only script (injected through CDP, never part of the
 * product) wraps RTCPeerConnection to keep the page's connections in a list, to count applied remote
 * descriptions, remote offers, offer collisions and local offers, and to note the ICE candidates gathered, and notes
 * when buttons are clicked; getStats() is then read from that list.
 */
final class CallBrowser implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(40);

  private static final String HOOK =
      """
      (() => {
        const Native = window.RTCPeerConnection;
        if (!Native || window.sottoTest) return;
        const peers = [];
        const clicks = [];
        const candidates = [];
        class Tracked extends Native {
          constructor(...args) {
            super(...args);
            this.sottoNegotiations = 0;
            peers.push(this);
            this.addEventListener('signalingstatechange', () => {
              if (this.signalingState === 'have-local-offer') this.sottoLocalOffers = (this.sottoLocalOffers || 0) + 1;
            });
            this.addEventListener('icecandidate', (e) => {
              if (e.candidate && e.candidate.candidate) candidates.push(e.candidate.candidate);
            });
          }
          setRemoteDescription(...args) {
            this.sottoNegotiations += 1;
            if (args[0] && args[0].type === 'offer') {
              this.sottoRemoteOffers = (this.sottoRemoteOffers || 0) + 1;
              if (this.signalingState === 'have-local-offer') {
                this.sottoCollisions = (this.sottoCollisions || 0) + 1;
              }
            }
            return super.setRemoteDescription(...args);
          }
        }
        window.RTCPeerConnection = Tracked;
        Object.defineProperty(window, 'sottoTest', { value: { peers, clicks, candidates } });
        window.addEventListener('click', (event) => {
          const button = event.target.closest && event.target.closest('button');
          if (button) clicks.push({ name: button.textContent.trim(), at: performance.now() });
        }, true);
      })();
      """;

  /**
   * Test-only (never part of the product): wraps WebSocket so that, while {@code window.sottoHold.until} (a
   * Date.now() time) is ahead, incoming messages carrying a {@code signal} frame are held back and then delivered,
   * in order, when that time comes; messages arriving behind held ones wait too, so the page sees everything in the
   * order the server sent it, only later.
   */
  static final String HOLD_SIGNALS =
      """
      (() => {
        const Native = window.WebSocket;
        if (!Native || window.sottoHold) return;
        const hold = { until: 0, held: 0 };
        Object.defineProperty(window, 'sottoHold', { value: hold });
        const queue = [];
        let timer = null;
        const flush = () => {
          timer = null;
          const wait = hold.until - Date.now();
          if (wait > 0) {
            timer = setTimeout(flush, wait);
            return;
          }
          while (queue.length) {
            const [handler, socket, event] = queue.shift();
            handler.call(socket, event);
          }
        };
        class Holding extends Native {
          get onmessage() {
            return super.onmessage;
          }
          set onmessage(handler) {
            const socket = this;
            super.onmessage = handler && ((event) => {
              const signal = typeof event.data === 'string' && event.data.includes('"t":"signal"');
              if (queue.length > 0 || (signal && Date.now() < hold.until)) {
                if (signal) hold.held += 1;
                queue.push([handler, socket, event]);
                if (timer === null) timer = setTimeout(flush, Math.max(0, hold.until - Date.now()));
              } else {
                handler.call(socket, event);
              }
            });
          }
        }
        window.WebSocket = Holding;
      })();
      """;

  private static final String STATS =
      """
      const done = arguments[arguments.length - 1];
      (async () => {
        const result = [];
        for (const pc of window.sottoTest.peers) {
          if (pc.connectionState === 'closed') continue;
          const report = await pc.getStats();
          const byId = new Map();
          report.forEach((s) => byId.set(s.id, s));
          const entry = { state: pc.connectionState, negotiations: pc.sottoNegotiations, inbound: [], outbound: [],
            localType: '', remoteType: '', dtls: '', srtp: '', addresses: [] };
          report.forEach((s) => {
            if (s.type === 'inbound-rtp') {
              entry.inbound.push({ kind: s.kind, mid: s.mid || '', track: s.trackIdentifier || '',
                bytes: s.bytesReceived || 0, frames: s.framesDecoded || 0 });
            } else if (s.type === 'outbound-rtp') {
              entry.outbound.push({ kind: s.kind, mid: s.mid || '', track: '', bytes: s.bytesSent || 0, frames: 0 });
            } else if (s.type === 'local-candidate' || s.type === 'remote-candidate') {
              if (s.address) entry.addresses.push(s.address + ' ' + s.port);
            } else if (s.type === 'transport' && s.selectedCandidatePairId) {
              entry.dtls = s.dtlsState || '';
              entry.srtp = s.srtpCipher || '';
              const pair = byId.get(s.selectedCandidatePairId);
              if (pair) {
                entry.localType = (byId.get(pair.localCandidateId) || {}).candidateType || '';
                entry.remoteType = (byId.get(pair.remoteCandidateId) || {}).candidateType || '';
              }
            }
          });
          result.push(entry);
        }
        return result;
      })().then(done, (e) => done([{ error: String(e) }]));
      """;

  /** Resolves with the page time at which every open connection has decoded a video frame. */
  private static final String FIRST_FRAMES =
      """
      const [expected, done] = [arguments[0], arguments[arguments.length - 1]];
      const decoded = async (pc) => {
        let frames = 0;
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded || 0;
        });
        return frames > 0;
      };
      const poll = async () => {
        const open = window.sottoTest.peers.filter((pc) => pc.connectionState !== 'closed');
        if (open.length >= expected && (await Promise.all(open.map(decoded))).every(Boolean)) {
          done(performance.now());
        } else {
          setTimeout(poll, 10);
        }
      };
      poll();
      """;

  private final Chromium chromium;
  private final ChromeDriver driver;
  private final List<String> webSocketFrames = new ArrayList<>();

  private CallBrowser(Chromium chromium) {
    this.chromium = chromium;
    this.driver = chromium.driver();
  }

  static CallBrowser start() {
    Chromium chromium =
        Chromium.launch(
            "sotto-call-chromium",
            List.of(LogType.PERFORMANCE),
            List.of(
                "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows",
                "--window-size=1280,1000",
                // fake camera, microphone and screen, with permission prompts answered yes
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                // direct ICE over loopback with plain (not mDNS) host candidates
                "--allow-loopback-in-peer-connection",
                "--disable-features=WebRtcHideLocalIpsWithMdns"));
    try {
      chromium.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", HOOK));
      chromium.driver().manage().timeouts().scriptTimeout(WAIT);
      return new CallBrowser(chromium);
    } catch (RuntimeException e) {
      chromium.close();
      throw e;
    }
  }

  /** Injects a test-only script that runs before the page's own scripts on every load. */
  void beforeEveryPage(String script) {
    driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", script));
  }

  // ---- the room ----

  /** Creates a room from the landing page and returns its invite link (the page never puts it in the URL). */
  String createRoom() {
    driver.get(SottoWar.BASE.toString());
    click("Create room");
    awaitConnected();
    String code = (String) script("return document.getElementById('room-code-display').textContent.trim()");
    return SottoWar.ORIGIN + "/#" + code;
  }

  void enter(String inviteLink) {
    driver.get(inviteLink);
    awaitConnected();
  }

  void awaitConnected() {
    until(d -> "connected".equals(d.findElement(By.id("status")).getAttribute("data-state")));
  }

  /** This page's session ID in the room (from its stored session). */
  String sessionId() {
    return (String) script(
        "const k = Object.keys(sessionStorage).find((k) => k.startsWith('sotto.session.'));"
            + " return JSON.parse(sessionStorage.getItem(k)).sessionId;");
  }

  String roomId() {
    return (String) script(
        "return Object.keys(sessionStorage).find((k) => k.startsWith('sotto.session.')).slice('sotto.session.'.length);");
  }

  void sendMessage(String text) {
    WebElement input = driver.findElement(By.id("message-input"));
    input.sendKeys(text);
    click("Send");
  }

  /** Waits until a message with this text is shown as stored. */
  void awaitMessage(String text) {
    until(d -> d.findElements(By.cssSelector("#messages .message .message-text")).stream()
        .anyMatch(e -> text.equals(e.getText())));
  }

  // ---- controls ----

  By button(String name) {
    return By.xpath("//button[normalize-space()='" + name + "']");
  }

  void click(String name) {
    new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(button(name))).click();
  }

  boolean showsButton(String name) {
    return driver.findElements(button(name)).stream().anyMatch(WebElement::isDisplayed);
  }

  WebElement findButton(String name) {
    return driver.findElement(button(name));
  }

  /** The checkbox labelled "Hide my IP address from other participants". */
  WebElement hideIpCheckbox() {
    WebElement label =
        driver.findElement(By.xpath("//label[normalize-space()='Hide my IP address from other participants']"));
    return driver.findElement(By.id(label.getAttribute("for")));
  }

  void hideMyIp() {
    WebElement box = hideIpCheckbox();
    if (!box.isSelected()) {
      box.click();
    }
  }

  String callStatus() {
    return driver.findElement(By.id("call-status")).getText();
  }

  String text(String id) {
    WebElement e = driver.findElement(By.id(id));
    return e.isDisplayed() ? e.getText() : "";
  }

  /** Session IDs of the remote tiles shown. */
  List<String> remoteTiles() {
    return driver.findElements(By.cssSelector("#call-tiles [data-session-id]")).stream()
        .map(e -> e.getAttribute("data-session-id"))
        .toList();
  }

  WebElement tile(String sessionId) {
    return driver.findElement(By.cssSelector("#call-tiles [data-session-id='" + sessionId + "']"));
  }

  String tileState(String sessionId) {
    return tile(sessionId).findElement(By.className("tile-state")).getText();
  }

  /** Visible videos in a remote tile (camera, and screen while shared). */
  long tileVideos(String sessionId) {
    return tile(sessionId).findElements(By.tagName("video")).stream().filter(WebElement::isDisplayed).count();
  }

  // ---- WebRTC and WebSocket observations ----

  @SuppressWarnings("unchecked")
  List<PeerStats> stats() {
    List<Map<String, Object>> raw = (List<Map<String, Object>>) driver.executeAsyncScript(STATS);
    return raw.stream().map(PeerStats::of).toList();
  }

  /** Waits until there are `count` open connections, all connected, each decoding video. */
  List<PeerStats> awaitVideoFrom(int count) {
    return until(d -> {
      List<PeerStats> s = stats();
      boolean ok = s.size() == count && s.stream().allMatch(p -> p.connected() && p.videoFramesDecoded() > 0);
      return ok ? s : null;
    });
  }

  /** The page time (ms) at which `count` connections had all decoded a first video frame. */
  double firstFramesAt(int count) {
    return ((Number) driver.executeAsyncScript(FIRST_FRAMES, count)).doubleValue();
  }

  /** The page time (ms) of the last click on the button with this name. */
  double clickedAt(String name) {
    Object at = script(
        "const c = window.sottoTest.clicks.filter((c) => c.name === arguments[0]);"
            + " return c.length ? c[c.length - 1].at : -1;",
        name);
    return ((Number) at).doubleValue();
  }

  /** The ICE username fragment of the first open connection's local description ("" before there is one). */
  String localIceUfrag() {
    return (String) script(
        "const pc = window.sottoTest.peers.find((p) => p.connectionState !== 'closed');"
            + " const m = pc && pc.localDescription && /a=ice-ufrag:(\\S+)/.exec(pc.localDescription.sdp);"
            + " return m ? m[1] : '';");
  }

  /** Offers this page applied on top of its own (offer collisions it yielded in, as the polite side). */
  long offerCollisions() {
    return ((Number) script(
        "return window.sottoTest.peers.reduce((n, pc) => n + (pc.sottoCollisions || 0), 0);")).longValue();
  }

  /** Remote offers this page's connections applied (an offer it ignored in a collision is not among them). */
  long remoteOffersApplied() {
    return ((Number) script(
        "return window.sottoTest.peers.reduce((n, pc) => n + (pc.sottoRemoteOffers || 0), 0);")).longValue();
  }

  /** Offers this page's connections made (set as local description). */
  long localOffers() {
    return ((Number) script(
        "return window.sottoTest.peers.reduce((n, pc) => n + (pc.sottoLocalOffers || 0), 0);")).longValue();
  }

  /** Restarts ICE on every open connection of the page at the page time {@code atEpochMs} (Date.now()). */
  void restartIceAt(long atEpochMs) {
    script("const at = arguments[0]; setTimeout(() => window.sottoTest.peers"
        + ".filter((pc) => pc.connectionState !== 'closed').forEach((pc) => pc.restartIce()),"
        + " Math.max(0, at - Date.now()));", atEpochMs);
  }

  /** With {@link #HOLD_SIGNALS} injected: holds incoming signals until the page time {@code untilEpochMs}. */
  void holdIncomingSignalsUntil(long untilEpochMs) {
    script("window.sottoHold.until = arguments[0];", untilEpochMs);
  }

  /** Signal-carrying messages held back so far (with {@link #HOLD_SIGNALS} injected). */
  long heldSignals() {
    return ((Number) script("return window.sottoHold.held;")).longValue();
  }

  /** Every ICE candidate line the page's connections gathered (and so handed to the page to signal). */
  @SuppressWarnings("unchecked")
  List<String> gatheredCandidates() {
    return (List<String>) script("return window.sottoTest.candidates.slice();");
  }

  /** Text payloads of every WebSocket frame sent or received so far (Chrome's performance log). */
  List<String> webSocketFrames() {
    for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
      try (JsonReader reader = Json.createReader(new StringReader(entry.getMessage()))) {
        JsonObject message = reader.readObject().getJsonObject("message");
        String method = message.getString("method", "");
        if (method.equals("Network.webSocketFrameSent") || method.equals("Network.webSocketFrameReceived")) {
          // A received WebSocket message may carry several frames, one per line.
          String payload = message.getJsonObject("params").getJsonObject("response").getString("payloadData", "");
          webSocketFrames.addAll(List.of(payload.split("\n")));
        }
      }
    }
    return List.copyOf(webSocketFrames);
  }

  Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  <T> T until(Function<? super org.openqa.selenium.WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT).pollingEvery(Duration.ofMillis(100)).until(condition);
  }

  ChromeDriver driver() {
    return driver;
  }

  @Override
  public void close() {
    chromium.close();
  }
}
