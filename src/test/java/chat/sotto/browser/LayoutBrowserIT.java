package chat.sotto.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.SottoWar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Keys;

/**
 * The room as an app, as a person sees it on a desktop (1280x800) and a phone (390x844): the header and the composer
 * stay in view while only the messages scroll, "New messages" for a reader who scrolled up, the people drawer on a
 * phone, a call beside or above the chat, dark mode, the unread count of a hidden tab, notifications that tell
 * nothing, and notices of who joined, took a new name and left.
 *
 * <p>With {@code -Dsotto.screenshots=docs/screenshots} the tests also save the screenshots the README shows.
 */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class LayoutBrowserIT {
  private static final List<String> FAKE_MEDIA =
      List.of("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream");

  /** Where each given box is on screen, the viewport's size, and how the document and the message list scroll. */
  private static final String GEOMETRY =
      """
      const box = (s) => { const r = document.querySelector(s).getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height }; };
      window.scrollTo(0, 100000);
      const list = document.getElementById('messages');
      const last = list.querySelector('.message:last-of-type');
      return { header: box('.room-bar'), composer: box('#composer'), send: box('#composer button[type=submit]'),
        list: box('#messages'), width: innerWidth, height: innerHeight,
        docScrollHeight: document.scrollingElement.scrollHeight, docScrollY: window.scrollY,
        listScrollHeight: list.scrollHeight, listClientHeight: list.clientHeight, listScrollTop: list.scrollTop,
        lastBottom: last ? last.getBoundingClientRect().bottom : 0 };
      """;

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void onADesktopTheHeaderAndComposerStayWhileOnlyTheMessagesScroll() {
    headerAndComposerStayInViewAsMessagesArrive(1280, 800, "desktop");
  }

  @Test
  void onAPhoneTheHeaderAndComposerStayWhileOnlyTheMessagesScroll() {
    headerAndComposerStayInViewAsMessagesArrive(390, 844, "phone");
  }

  private void headerAndComposerStayInViewAsMessagesArrive(int width, int height, String name) {
    try (Browser a = Browser.start();
        Browser b = Browser.start()) {
      screen(a, width, height);
      RoomPage alice = RoomPage.createRoom(a);
      RoomPage bob = RoomPage.openInvite(b, alice.copyInviteLink());
      a.until("the member in the owner's list", d -> alice.participants().size() == 2);

      sendMany(b, "Message number ", 60);
      alice.awaitMessage("Message number 60");
      Map<String, Object> g = geometry(a);
      assertInView(g, "header");
      assertInView(g, "composer");
      assertInView(g, "send");
      assertEquals(0L, number(g, "docScrollY"), "the document itself does not scroll: " + g);
      assertTrue(number(g, "docScrollHeight") <= number(g, "height") + 1, "nothing below the fold: " + g);
      assertTrue(number(g, "listScrollHeight") > number(g, "listClientHeight") + 100, "the message list scrolls: " + g);
      a.until("the newest message in view at the bottom of the list", d -> {
        Map<String, Object> now = geometry(a);
        return number(now, "lastBottom") <= number(now, "list.bottom") + 1 && number(now, "listScrollTop") > 0;
      });
      saveScreenshot(a, "room-" + name);

      a.script("document.getElementById('messages').scrollTop = 0");
      a.until("the reader to be at the top", d -> number(geometry(a), "listScrollTop") == 0);
      assertFalse(a.shows("New messages"), "no button while nothing new arrived");
      bob.send("One more, while Alice reads the start");
      alice.awaitMessage("One more, while Alice reads the start");
      assertEquals(0L, number(geometry(a), "listScrollTop"), "the reader's place is kept");
      a.click("New messages");
      a.until("the list at its newest message", d -> {
        Map<String, Object> now = geometry(a);
        return number(now, "listScrollHeight") - number(now, "listScrollTop") - number(now, "listClientHeight") < 2;
      });
      a.until("the button gone once at the bottom", d -> !a.shows("New messages"));
      assertInView(geometry(a), "composer");

      screen(a, 320, 568);
      a.until("the smallest phone's layout", d -> number(geometry(a), "width") == 320);
      Map<String, Object> small = geometry(a);
      assertInView(small, "header");
      assertInView(small, "composer");
      assertInView(small, "send");
      assertEquals(Boolean.TRUE, a.script("return document.scrollingElement.scrollWidth <= innerWidth"),
          "nothing sticks out sideways at 320 px");
    }
  }

  @Test
  void onAPhoneThePeopleDrawerOpensAndClosesWithTheKeyboard() {
    try (Browser a = Browser.start()) {
      screen(a, 390, 844);
      RoomPage alice = RoomPage.createRoom(a);
      assertFalse(displayed(a, "people"), "on a phone the people list starts closed");
      a.script("document.getElementById('leave-no-trace').focus()");
      activeElementKeys(a, Keys.TAB);
      assertEquals("People (1)", a.script("return document.activeElement.getAttribute('aria-label')"),
          "Tab reaches the people button after the room's actions");
      activeElementKeys(a, Keys.ENTER);
      a.until("the drawer open", d -> displayed(a, "people"));
      assertEquals("people-close", a.script("return document.activeElement.id"), "focus moves into the drawer");
      assertTrue(a.shows("Your nickname"), "the nickname is in the drawer");
      saveScreenshot(a, "people-phone");

      activeElementKeys(a, Keys.ESCAPE);
      a.until("the drawer closed by Escape", d -> !displayed(a, "people"));
      assertEquals("people-toggle", a.script("return document.activeElement.id"), "focus goes back to the button");

      activeElementKeys(a, Keys.SPACE);
      a.until("the drawer open again", d -> displayed(a, "people"));
      activeElementKeys(a, Keys.ENTER);
      a.until("the drawer closed by its close button", d -> !displayed(a, "people"));
      assertEquals("people-toggle", a.script("return document.activeElement.id"));
      assertTrue(a.shows("Message"), "still in the room: closing the drawer is not leaving");
      alice.send("Still here");
    }
  }

  @Test
  void duringACallTheComposerStaysVisibleAndTheCallPanelCollapses() {
    try (Browser a = Browser.start(FAKE_MEDIA);
        Browser b = Browser.start()) {
      screen(a, 1280, 800);
      RoomPage alice = RoomPage.createRoom(a);
      RoomPage bob = RoomPage.openInvite(b, alice.copyInviteLink());
      sendMany(b, "Before the call ", 12);
      alice.awaitMessage("Before the call 12");
      a.click("Start call");
      a.until("the own call tile", d -> Boolean.TRUE.equals(
          a.script("return !!document.querySelector('#call-tiles figure, #call-tiles [data-session-id]')")));
      a.until("the camera playing", d -> Boolean.TRUE.equals(
          a.script("const v = document.querySelector('#call-tiles video'); return !!v && v.readyState >= 2")));
      Map<String, Object> g = geometry(a);
      assertInView(g, "composer");
      assertInView(g, "header");
      assertTrue(box(a, "#call").get("right") <= box(a, ".conversation").get("left"),
          "on a wide screen the call is beside the chat");
      saveScreenshot(a, "call-desktop");

      a.click("Hide call");
      a.until("the tiles folded away", d -> !displayed(a, "call-tiles"));
      assertTrue(a.shows("Leave call"), "a collapsed call keeps its buttons");
      assertInView(geometry(a), "composer");
      a.click("Show call");
      a.until("the tiles back", d -> displayed(a, "call-tiles"));

      screen(a, 390, 844);
      bob.send("A message during the call");
      alice.awaitMessage("A message during the call");
      g = geometry(a);
      assertInView(g, "composer");
      assertInView(g, "header");
      assertTrue(number(g, "list.height") > 100, "the conversation keeps room during the call: " + g);
      saveScreenshot(a, "call-phone");
      a.click("Hide call");
      a.until("the tiles folded away on the phone", d -> !displayed(a, "call-tiles"));
      assertTrue(number(geometry(a), "list.height") > number(g, "list.height"), "collapsing gives the chat room");
      a.click("Leave call");
    }
  }

  @Test
  void darkModeChangesThePageBackground() {
    try (Browser a = Browser.start()) {
      screen(a, 1280, 800);
      RoomPage alice = RoomPage.createRoom(a);
      alice.send("Dark mode is easier on the eyes at night.");
      alice.send("The colours follow the system setting.");
      emulate(a, "light");
      String light = (String) a.script("return getComputedStyle(document.body).backgroundColor");
      emulate(a, "dark");
      String dark = (String) a.script("return getComputedStyle(document.body).backgroundColor");
      assertNotEquals(light, dark);
      assertTrue(brightness(dark) < brightness(light), light + " then " + dark);
      saveScreenshot(a, "room-desktop-dark");
      emulate(a, "light");
    }
  }

  @Test
  void aHiddenTabCountsUnreadInItsTitleAndNotifiesWithoutTellingAnything() {
    try (Browser a = Browser.start();
        Browser b = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      RoomCode code = alice.code();
      RoomPage bob = RoomPage.openInvite(b, alice.copyInviteLink());
      bob.setNickname("Bashful Heron");
      String title = (String) a.script("return document.title");
      a.cdp("Browser.grantPermissions", Map.of("origin", SottoWar.ORIGIN, "permissions", List.of("notifications")));
      a.script(
          """
          window.seenVisibility = [];
          window.seenIcons = [];
          document.addEventListener('visibilitychange', () => window.seenVisibility.push(document.visibilityState));
          new MutationObserver(() => {
            const icon = document.querySelector('link[rel=icon]').getAttribute('href');
            window.seenIcons.push({ state: document.visibilityState, icon });
          }).observe(document.head, { subtree: true, attributes: true, attributeFilter: ['href'] });
          const Native = window.Notification;
          window.madeNotifications = [];
          window.tones = [];
          const start = OscillatorNode.prototype.start;
          OscillatorNode.prototype.start = function (...args) {
            window.tones.push(document.visibilityState);
            return start.apply(this, args);
          };
          window.Notification = class extends Native {
            constructor(title, options) {
              window.madeNotifications.push(JSON.stringify({ title, options }));
              super(title, options);
            }
          };
          """);
      a.script("document.querySelector('label[for=notify-toggle]').click()");
      a.until("notifications on", d -> Boolean.TRUE.equals(
          a.script("return document.getElementById('notify-toggle').checked")));
      a.script("document.querySelector('label[for=sound-toggle]').click()");
      assertEquals(List.of("visible"), a.script("return window.tones"), "turning the sound on plays it once");

      String aliceTab = a.openOtherTab();
      String secret = Secret.word("unread");
      bob.send("First " + secret);
      bob.send("Second " + secret);
      a.until("the hidden tab's title to count 2", d -> ("(2) " + title).equals(titleOf(a, aliceTab)));

      a.closeTabAndReturnTo(aliceTab);
      a.until("the tab visible again", d -> "visible".equals(a.script("return document.visibilityState")));
      assertEquals(List.of("hidden", "visible"), a.script("return window.seenVisibility"),
          "the tab was really hidden while the messages came");
      a.until("the count cleared on return", d -> title.equals(a.script("return document.title")));
      assertEquals(Boolean.TRUE, a.script("return window.seenIcons.some((s) => s.state === 'hidden'"
          + " && decodeURIComponent(s.icon).startsWith('data:image/svg+xml,') && decodeURIComponent(s.icon).includes('>2<'))"),
          "while hidden, the icon showed the count");
      assertEquals("icons/icon.svg", a.script("return document.querySelector('link[rel=icon]').getAttribute('href')"),
          "the icon is plain again on return");

      @SuppressWarnings("unchecked")
      List<String> made = (List<String>) a.script("return window.madeNotifications");
      assertEquals(1, made.size(), "one notification for the burst: " + made);
      assertEquals(List.of("visible", "hidden"), a.script("return window.tones"), "one soft sound for the burst");
      String shown = made.get(0);
      assertTrue(shown.contains("New message in Sotto"), shown);
      for (String told : List.of(secret, "Bashful Heron", "Heron", code.formatted(), code.compact())) {
        assertFalse(shown.contains(told), "a notification says nothing of the room: " + shown);
      }

      alice.send("My own message is not unread");
      assertEquals(title, a.script("return document.title"));
    }
  }

  /**
   * Chromium files a page's icon under every address the page has had, so a tab opened from an invite link never
   * changes its icon (the unread count shows in its title only): no icon is filed under the invite link.
   */
  @Test
  void aTabOpenedFromAnInviteLinkCountsInItsTitleOnlyAndKeepsTheEmptyIcon() {
    try (Browser a = Browser.start();
        Browser b = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      RoomPage.openInvite(b, alice.copyInviteLink());
      assertEquals("icons/icon.svg", a.script("return document.querySelector('link[rel=icon]').getAttribute('href')"),
          "the creator's page never had a code in its address: it shows Sotto's icon");
      String title = (String) b.script("return document.title");
      b.script(
          """
          window.seenIcons = [];
          new MutationObserver(() => window.seenIcons.push(document.querySelector('link[rel=icon]').getAttribute('href')))
            .observe(document.head, { subtree: true, attributes: true, attributeFilter: ['href'] });
          """);
      String bobTab = b.openOtherTab();
      alice.send("Hello " + Secret.word("unread"));
      b.until("the hidden invitee's title to count 1", d -> ("(1) " + title).equals(titleOf(b, bobTab)));
      b.closeTabAndReturnTo(bobTab);
      b.until("the count cleared on return", d -> title.equals(b.script("return document.title")));
      assertEquals("data:,", b.script("return document.querySelector('link[rel=icon]').getAttribute('href')"),
          "the invitee's page keeps the empty icon");
      assertEquals(List.of(), b.script("return window.seenIcons"), "the icon never changed while hidden");
    }
  }

  @Test
  void aSecondMembersJoinRenameAndLeaveAreNoticesInTheFirstMembersTimeline() {
    try (Browser a = Browser.start();
        Browser b = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      RoomPage bob = RoomPage.openInvite(b, alice.copyInviteLink());
      String first = bob.nickname();
      a.until("the join with the newcomer's name", d -> alice.timelineNotices().contains(first + " joined"));
      assertTrue(bob.timelineNotices().stream().noneMatch(n -> n.endsWith("joined")),
          "who was there before one entered gives no notice: " + bob.timelineNotices());

      bob.setNickname("Quiet Badger");
      a.until("the rename", d -> alice.timelineNotices().contains(first + " is now called Quiet Badger"));

      bob.leave();
      a.until("the leave", d -> alice.timelineNotices().contains("Quiet Badger left"));
      assertEquals(1L, alice.timelineNotices().stream().filter(n -> n.endsWith("joined")).count(),
          "one join notice: " + alice.timelineNotices());
      assertTrue(alice.messages().isEmpty(), "notices are not messages");
    }
  }

  // ---- helpers ----

  /** Emulates a screen of this size (a phone: a mobile viewport) on the current tab. */
  private static void screen(Browser browser, int width, int height) {
    browser.cdp("Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
  }

  private static void emulate(Browser browser, String scheme) {
    browser.cdp("Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    browser.until("prefers-color-scheme " + scheme, d -> Boolean.TRUE.equals(
        browser.script("return matchMedia('(prefers-color-scheme: ' + arguments[0] + ')').matches", scheme)));
  }

  /** Sends messages numbered 1 to n from this browser's composer, as fast as the page takes them. */
  private static void sendMany(Browser browser, String prefix, int n) {
    browser.script(
        """
        const [prefix, n] = arguments;
        const input = document.getElementById('message-input');
        const form = document.getElementById('composer');
        for (let i = 1; i <= n; i += 1) { input.value = prefix + i; form.requestSubmit(); }
        """,
        prefix, n);
  }

  /** Presses keys on the focused element, as a keyboard user does. */
  private static void activeElementKeys(Browser browser, CharSequence keys) {
    ((org.openqa.selenium.WebElement) browser.script("return document.activeElement")).sendKeys(keys);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> geometry(Browser browser) {
    return (Map<String, Object>) browser.script(GEOMETRY);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Double> box(Browser browser, String css) {
    Map<String, Object> r = (Map<String, Object>) browser.script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
            + " return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }", css);
    return Map.of("left", toDouble(r.get("left")), "right", toDouble(r.get("right")),
        "top", toDouble(r.get("top")), "bottom", toDouble(r.get("bottom")));
  }

  /** A number from the geometry, "key" or "box.side". */
  @SuppressWarnings("unchecked")
  private static long number(Map<String, Object> g, String path) {
    String[] parts = path.split("\\.");
    Object v = g.get(parts[0]);
    if (parts.length > 1) {
      v = ((Map<String, Object>) v).get(parts[1]);
    }
    return Math.round(toDouble(v));
  }

  private static double toDouble(Object v) {
    return ((Number) v).doubleValue();
  }

  private static void assertInView(Map<String, Object> g, String name) {
    long width = number(g, "width");
    long height = number(g, "height");
    assertTrue(number(g, name + ".top") >= 0 && number(g, name + ".bottom") <= height
        && number(g, name + ".left") >= 0 && number(g, name + ".right") <= width,
        name + " inside the " + width + "x" + height + " viewport: " + g.get(name));
  }

  private static boolean displayed(Browser browser, String id) {
    return Boolean.TRUE.equals(browser.script(
        "const e = document.getElementById(arguments[0]); return !!e && e.checkVisibility()", id));
  }

  /** The title of another tab of this browser, read without switching to it (switching would show it). */
  @SuppressWarnings("unchecked")
  private static String titleOf(Browser browser, String handle) {
    List<Map<String, Object>> targets =
        (List<Map<String, Object>>) browser.cdp("Target.getTargets", Map.of()).get("targetInfos");
    return targets.stream()
        .filter(t -> handle.equals(t.get("targetId")))
        .map(t -> (String) t.get("title"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no tab " + handle + " in " + targets));
  }

  private static long brightness(String rgb) {
    String[] parts = rgb.replaceAll("[^0-9,]", "").split(",");
    return Long.parseLong(parts[0]) + Long.parseLong(parts[1]) + Long.parseLong(parts[2]);
  }

  private static void saveScreenshot(Browser browser, String name) {
    String folder = System.getProperty("sotto.screenshots", "");
    if (folder.isEmpty()) {
      return;
    }
    try {
      Path dir = Path.of(folder);
      Files.createDirectories(dir);
      Files.write(dir.resolve(name + ".png"), browser.screenshot());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
