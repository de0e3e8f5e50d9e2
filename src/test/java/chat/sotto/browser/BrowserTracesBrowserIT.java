package chat.sotto.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.Api;
import chat.sotto.it.Database;
import chat.sotto.it.SottoWar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Keys;

/**
 * What the browser keeps of a room: the code leaves the address bar and the tab's history as soon as it is read, a
 * room that is gone leaves nothing in the browser's storage, and "Leave no trace" erases everything and shows a blank
 * page. Also: the times shown are the senders' own (sealed in the envelope), and the replay guard outlives a reload.
 */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class BrowserTracesBrowserIT {
  /** Everything the page can reach of what the browser keeps for this origin and tab, as one text to search. */
  private static final String KEPT =
      "const all = (s) => Object.fromEntries(Object.keys(s).map((k) => [k, s.getItem(k)]));"
          + " return indexedDB.databases().then((dbs) => JSON.stringify({"
          + " local: all(localStorage), session: all(sessionStorage), indexedDB: dbs,"
          + " href: location.href, state: history.state }));";

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void theCodeNeverStaysInTheAddressBarOrHistoryWhileAReloadKeepsTheRoomAndItsInviteLink() {
    try (Browser a = Browser.start();
        Browser b = Browser.start();
        Browser c = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      RoomCode code = alice.code();
      Secret codeForms = Secret.roomCode(code);
      assertEquals(SottoWar.BASE.toString(), a.url(), "the creator's page never writes the code into its URL");
      assertTrue(a.historyUrls().stream().noneMatch(codeForms::foundIn), "history: " + a.historyUrls());

      // Bob is on the start page and pastes the invite link into the same tab: a fragment change in the page.
      b.open(SottoWar.BASE.toString());
      b.open(alice.copyInviteLink());
      RoomPage bob = new RoomPage(b).awaitConnected();
      assertEquals(code.formatted(), bob.code().formatted());
      assertTrue(b.historyUrls().stream().noneMatch(codeForms::foundIn), "history: " + b.historyUrls());
      assertEquals(SottoWar.BASE.toString(), b.url());

      b.reload();
      bob.awaitConnected();
      assertEquals(code.formatted(), bob.code().formatted(), "a reload stays in the room");
      assertEquals(SottoWar.ORIGIN + "/#" + code.formatted(), bob.copyInviteLink(), "and can still invite");
      assertEquals(SottoWar.BASE.toString(), b.url());

      // Carol's invite link pasted into Bob's tab while he is in Alice's room takes him to Carol's room.
      RoomPage carol = RoomPage.createRoom(c);
      RoomCode other = carol.code();
      assertNotEquals(code.formatted(), other.formatted());
      b.open(carol.copyInviteLink());
      b.until("Bob in Carol's room", d -> other.formatted().equals(bob.code().formatted()));
      bob.awaitConnected();
      assertEquals(SottoWar.BASE.toString(), b.url());
      for (Secret forms : List.of(codeForms, Secret.roomCode(other))) {
        assertTrue(b.historyUrls().stream().noneMatch(forms::foundIn), "history: " + b.historyUrls());
      }
      b.reload();
      bob.awaitConnected();
      assertEquals(other.formatted(), bob.code().formatted(), "a reload stays in the room the tab switched to");
    }
  }

  @Test
  void theMessageBoxAndNicknameAskForNoSpellcheckOrSuggestionsAndThePageForNoTranslation() {
    try (Browser a = Browser.start()) {
      RoomPage.createRoom(a);
      assertEquals("no", a.script("return document.documentElement.getAttribute('translate')"));
      assertEquals("notranslate", a.script("return document.querySelector('meta[name=google]').content"));
      for (String id : List.of("message-input", "nickname-input")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> attrs = (Map<String, Object>) a.script(
            "const e = document.getElementById(arguments[0]); return { spellcheck: e.spellcheck,"
                + " autocorrect: e.getAttribute('autocorrect'), autocapitalize: e.getAttribute('autocapitalize'),"
                + " autocomplete: e.getAttribute('autocomplete'),"
                + " writingsuggestions: e.getAttribute('writingsuggestions') }", id);
        assertEquals(Map.of("spellcheck", false, "autocorrect", "off", "autocapitalize", "off", "autocomplete", "off",
            "writingsuggestions", "false"), attrs, id);
      }
      for (String name : List.of("Copy invite link", "Close room", "Leave no trace", "Start call", "Send")) {
        assertTrue(a.shows(name), name + " is reachable");
      }
    }
  }

  @Test
  void afterLeaveAndAfterCloseTheBrowserKeepsNoCodeTokenSessionOrNickname() {
    try (Browser a = Browser.start();
        Browser b = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      RoomCode code = alice.code();
      String aliceNick = Secret.word("Nick");
      alice.setNickname(aliceNick);
      RoomPage bob = RoomPage.openInvite(b, alice.copyInviteLink());
      String bobNick = Secret.word("Nick");
      bob.setNickname(bobNick);
      String said = Secret.word("said");
      bob.send(said);
      alice.awaitMessage(said, bobNick);

      List<Secret> aliceSecrets = secretsOf(a, code, aliceNick);
      List<Secret> bobSecrets = secretsOf(b, code, bobNick);
      assertTrue(found(kept(b), bobSecrets).size() >= 2, "the scan sees the session and the room while in it");
      assertTrue(kept(b).contains("sotto-keys"), "while in the room, the member's keys are in IndexedDB");

      bob.leave();
      b.until("the start page", d -> bob.showsStartPage());
      assertNoTrace(b, bobSecrets, "after Leave room");
      // The installable shell's cache may stay after an ordinary leave, with static files only.
      @SuppressWarnings("unchecked")
      List<String> cached = (List<String>) b.asyncScript(InstallableBrowserIT.CACHED);
      assertEquals(List.of(), cached.stream().filter(u -> u.contains("/api/") || u.contains("/ws")).toList(),
          "after Leave room, cached: " + cached);
      assertEquals(List.of(), found(String.join("\n", cached), bobSecrets), "after Leave room, cached: " + cached);
      assertBackLeadsNowhereNear(b, Secret.roomCode(code));

      alice.closeRoom();
      alice.awaitGoneNotice();
      assertNoTrace(a, aliceSecrets, "after Close room");
      a.click("Back to start");
      a.until("the start page", d -> alice.showsStartPage());
      a.reload();
      assertTrue(alice.showsStartPage(), "a reload does not bring the closed room back");
      assertNoTrace(a, aliceSecrets, "after Close room and a reload");
    }
  }

  @Test
  void leaveNoTraceLeavesTheRoomErasesItFromTheBrowserAndShowsABlankPage() {
    List<Secret> aliceSecrets;
    List<Secret> bobSecrets;
    RoomCode code;
    try (Browser a = Browser.start();
        Browser b = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      code = alice.code();
      String roomId = code.roomId();
      String aliceNick = Secret.word("Nick");
      alice.setNickname(aliceNick);
      b.open(SottoWar.BASE.toString());
      b.open(alice.copyInviteLink());
      RoomPage bob = new RoomPage(b).awaitConnected();
      String bobNick = Secret.word("Nick");
      bob.setNickname(bobNick);
      String bobId = bob.selfId();
      String said = Secret.word("said");
      bob.send(said);
      alice.awaitMessage(said, bobNick);
      aliceSecrets = secretsOf(a, code, aliceNick);
      bobSecrets = secretsOf(b, code, bobNick);

      awaitServiceWorker(b);
      bob.leaveNoTrace();
      assertNoServiceWorkerOrCache(b, "after Leave no trace");
      assertEquals(0, Database.count("SELECT COUNT(*) FROM sessions WHERE id = ?", bobId), "Bob left the room");
      a.until("Bob gone from the owner's list",
          d -> alice.participants().stream().noneMatch(p -> p.sessionId().equals(bobId)));
      assertBackLeadsNowhereNear(b, Secret.roomCode(code));
      b.open(SottoWar.BASE.toString());
      assertTrue(bob.showsStartPage(), "the tab has forgotten the room");
      assertNoTrace(b, bobSecrets, "after Leave no trace");

      // The owner presses Escape three times: the room is closed for everyone.
      awaitServiceWorker(a);
      a.textbox("Message").sendKeys(Keys.ESCAPE, Keys.ESCAPE, Keys.ESCAPE);
      alice.awaitBlank();
      assertNoServiceWorkerOrCache(a, "after Escape three times");
      assertEquals(0, Database.rowsOfRoom(roomId), "the owner leaving without a trace closes the room");
      a.open(SottoWar.BASE.toString());
      assertTrue(alice.showsStartPage());
      assertNoTrace(a, aliceSecrets, "after Escape three times");

      a.quit();
      b.quit();
      // What stays on disk is Chromium's own (the README says so): the creator's tab had the code in sessionStorage,
      // whose on-disk log keeps old values until it is compacted; the invitee also navigated to the invite link,
      // which Chromium's history, session-restore and URL-keyed-metrics files record; Bob opened it in a tab that
      // already showed Sotto, so Chromium may also file that address in its icon database (Favicons, cleared with the
      // history), before the page can take its icon away. Nothing of Sotto's own storage (Local Storage, IndexedDB,
      // caches) holds it.
      assertOnlyIn(holding(a.profile(), Secret.roomCode(code)), "Default/Session Storage/");
      assertOnlyIn(holding(b.profile(), Secret.roomCode(code)), "Default/Session Storage/", "Default/History",
          "Default/Sessions/", "Default/Visited Links", "Default/Favicons", "segmentation_platform/ukm_db");
    }
  }

  @Test
  void theSessionOfARoomDeletedMeanwhileIsRemovedOnTheNextVisit() {
    try (Browser a = Browser.start();
        Browser b = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      RoomPage bob = RoomPage.createRoom(b);
      String bobsRoom = bob.code().roomId();
      String bobsToken = token(b, bobsRoom);
      b.open(alice.copyInviteLink());
      bob.awaitConnected();
      assertEquals(alice.code().formatted(), bob.code().formatted(), "Bob is in Alice's room now");
      assertTrue(keys(b).contains("sotto.session." + bobsRoom), "the tab still keeps Bob's own room");

      // Bob's own room is deleted while his tab is elsewhere: by its owner's token here, unless the owner-away expiry
      // (Bob's tab left it) was quicker.
      int closed = Api.delete("/api/rooms/" + bobsRoom, bobsToken).statusCode();
      assertTrue(closed == 204 || closed == 401, "closing Bob's room: " + closed);
      assertEquals(0, Database.rowsOfRoom(bobsRoom));
      // An entry an older version left in localStorage, nickname included, for a room that does not exist.
      b.script("localStorage.setItem('sotto.session.' + arguments[0], JSON.stringify({sessionId: arguments[1],"
              + " token: arguments[2], owner: false, counter: 3, nick: 'Old Nickname'}))",
          Api.newRoomId(), Api.random(16), Api.random(32));

      b.reload();
      bob.awaitConnected();
      List<String> left = List.of("sotto.room", "sotto.session." + alice.code().roomId());
      b.until("the entries of rooms that are gone to be dropped",
          d -> keys(b).stream().filter(k -> !k.startsWith("sotto.guard.")).sorted().toList().equals(left));
      assertEquals(0L, b.script("return localStorage.length"), "nothing is left in localStorage");
      assertEquals(alice.code().formatted(), bob.code().formatted(), "Bob is still in Alice's room");
    }
  }

  /**
   * A hostile server replays Bob's old envelope as a new message after Alice reloaded. The relay and the database
   * refuse a second copy of one (sender, counter) (the unique index messages_sender_counter; a resend of it is
   * acknowledged as the stored one), so the replay is made as a server would make it: the stored row is moved from
   * its seq to the next free one, the same bytes (sender, counter, iv, ciphertext), as if the original had left the
   * history and came back as the newest message. After the reload it is the only envelope of Bob's that Alice's page
   * sees, so nothing in the page's memory can tell it from a new one: only the guard kept across the reload drops it.
   * Carol, who joins afterwards with nothing kept, does see it, which shows that the server really delivers it.
   */
  @Test
  void aReplayedEnvelopeIsDroppedAfterAReloadAndTimesAreTheSendersOwn() {
    try (Browser a = Browser.start();
        Browser b = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      String roomId = alice.code().roomId();
      String invite = alice.copyInviteLink();
      RoomPage bob = RoomPage.openInvite(b, invite);
      String pay = Secret.word("pay");
      String ok = Secret.word("ok");
      bob.send(pay);
      long paySeq = alice.awaitMessage(pay).seq();
      long before = System.currentTimeMillis();
      alice.send(ok);
      long after = System.currentTimeMillis();
      long okSeq = alice.awaitMessage(ok).seq();
      assertTrue(a.script("return document.querySelector('.time-differs')") == null, "no clock differs yet");

      long replaySeq = Database.count("SELECT last_seq FROM rooms WHERE id = ?", roomId) + 1;
      assertEquals(1, Database.update("UPDATE rooms SET last_seq = ? WHERE id = ?", replaySeq, roomId));
      assertEquals(1, Database.update("UPDATE messages SET seq = ? WHERE room_id = ? AND seq = ?", replaySeq, roomId,
          paySeq));
      // The server also claims it received Alice's "ok" ten minutes earlier than her page wrote it.
      assertEquals(1, Database.update("UPDATE messages SET created_at = created_at - 600000 WHERE room_id = ? AND"
          + " seq = ?", roomId, okSeq));

      a.reload();
      alice.awaitConnected();
      String later = Secret.word("later");
      bob.send(later);
      alice.awaitMessage(later);
      List<String> shown = alice.messages().stream().map(RoomPage.Message::text).toList();
      assertEquals(List.of(ok, later), shown, "the replay at seq " + replaySeq + " is dropped after the reload");

      @SuppressWarnings("unchecked")
      List<Map<String, Object>> times = (List<Map<String, Object>>) a.script(
          "return [...document.querySelectorAll('#messages .message[data-seq]')].map((m) => ({"
              + " datetime: m.querySelector('time').getAttribute('datetime'),"
              + " marker: m.querySelector('.time-differs')?.textContent ?? null,"
              + " title: m.querySelector('.time-differs')?.title ?? null }))");
      long okShown = Instant.parse((String) times.get(0).get("datetime")).toEpochMilli();
      assertTrue(okShown >= before - 1000 && okShown <= after + 1000,
          "the time shown is the one Alice's page sealed, not the server's: " + times.get(0));
      assertEquals("⚠ time differs", times.get(0).get("marker"));
      assertTrue(((String) times.get(0).get("title")).contains("server received it"), times.get(0).toString());
      assertEquals(null, times.get(1).get("marker"), "no marker where the clocks agree");

      try (Browser c = Browser.start()) {
        RoomPage carol = RoomPage.openInvite(c, invite);
        assertEquals(replaySeq, carol.awaitMessage(pay).seq(),
            "the server does deliver the replay: only a page that remembers drops it");
      }
    }
  }

  // ---- helpers ----

  /** The code, the session's token and ID, and the nickname, as this tab holds them now. */
  private static List<Secret> secretsOf(Browser browser, RoomCode code, String nick) {
    String roomId = code.roomId();
    @SuppressWarnings("unchecked")
    Map<String, Object> session = (Map<String, Object>) browser.script(
        "return JSON.parse(sessionStorage.getItem('sotto.session.' + arguments[0]))", roomId);
    String token = (String) session.get("token");
    String sessionId = (String) session.get("sessionId");
    return List.of(
        Secret.roomCode(code),
        new Secret("token", List.of(), List.of(token)),
        new Secret("session ID", List.of(), List.of(sessionId)),
        new Secret("room ID", List.of(), List.of(roomId)),
        Secret.text("nickname", nick));
  }

  private static String token(Browser browser, String roomId) {
    return (String) browser.script(
        "return JSON.parse(sessionStorage.getItem('sotto.session.' + arguments[0])).token", roomId);
  }

  @SuppressWarnings("unchecked")
  private static List<String> keys(Browser browser) {
    return (List<String>) browser.script("return Object.keys(sessionStorage)");
  }

  /** Storage, IndexedDB, the address, the history state and every history entry of the tab, as one text. */
  private static String kept(Browser browser) {
    return browser.script(KEPT) + "\n" + String.join("\n", browser.historyUrls());
  }

  private static List<Secret> found(String kept, List<Secret> secrets) {
    return secrets.stream().filter(s -> s.foundIn(kept)).toList();
  }

  private static void assertNoTrace(Browser browser, List<Secret> secrets, String when) {
    String kept = kept(browser);
    assertEquals(List.of(), found(kept, secrets), when + ": " + kept);
    assertTrue(kept.contains("\"indexedDB\":[]"), when + ": no IndexedDB database: " + kept);
  }

  /** Waits until the installable shell's service worker is active and its cache holds something. */
  private static void awaitServiceWorker(Browser browser) {
    browser.until("the service worker and its cache", d -> Boolean.TRUE.equals(browser.asyncScript(
        "const done = arguments[arguments.length - 1];"
            + " navigator.serviceWorker.getRegistrations().then(async (r) => done(r.some((w) => w.active) &&"
            + " (await caches.keys()).length > 0))")));
  }

  /**
   * Seen from another tab on a page of the origin that registers nothing (its 404 page, with no script): no service
   * worker registration and no Cache Storage entry is left.
   */
  private static void assertNoServiceWorkerOrCache(Browser browser, String when) {
    String left = "const done = arguments[arguments.length - 1];"
        + " Promise.all([navigator.serviceWorker.getRegistrations(), caches.keys()])"
        + ".then(([r, c]) => done(r.map((w) => w.scope).concat(c)))";
    browser.untilInNewTab(SottoWar.BASE.resolve("error/404.html").toString(),
        when + ": no service worker registration or cache", d -> ((List<?>) browser.asyncScript(left)).isEmpty());
  }

  /** Back, as the browser's button does, lands on no address that holds the code. */
  private static void assertBackLeadsNowhereNear(Browser browser, Secret code) {
    browser.back();
    assertFalse(code.foundIn(browser.url()), "Back led to " + browser.url());
  }

  private static void assertOnlyIn(List<String> files, String... chromiumRecords) {
    System.out.println("Profile files holding the room code after quitting: " + files);
    assertEquals(List.of(), files.stream().filter(f -> Stream.of(chromiumRecords).noneMatch(f::startsWith)).toList(),
        "files other than Chromium's own records hold the room code");
  }

  /** The files of a quit browser's profile that hold the room code (as UTF-8 or UTF-16 text, in any spelling). */
  private static List<String> holding(Path profile, Secret code) {
    List<String> holding = new ArrayList<>();
    try (Stream<Path> files = Files.walk(profile)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(file);
        String utf8 = new String(bytes, StandardCharsets.ISO_8859_1);
        String utf16 = new String(bytes, StandardCharsets.UTF_16LE);
        String utf16odd = bytes.length > 1 ? new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_16LE) : "";
        if (code.foundIn(utf8) || code.foundIn(utf16) || code.foundIn(utf16odd)) {
          holding.add(profile.relativize(file).toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return holding;
  }
}
