package chat.sotto.browser;

import chat.sotto.it.SottoWar;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.Keys;

/** Sotto as one person sees it in one browser: the start page and the room they are in. */
final class RoomPage {
  private final Browser browser;

  RoomPage(Browser browser) {
    this.browser = browser;
  }

  /** Opens the start page and clicks "Create room"; returns once the new room is connected. */
  static RoomPage createRoom(Browser browser) {
    browser.open(SottoWar.BASE.toString());
    browser.click("Create room");
    return new RoomPage(browser).awaitConnected();
  }

  /** Opens an invite link; returns once the room is connected. */
  static RoomPage openInvite(Browser browser, String inviteLink) {
    browser.open(inviteLink);
    return new RoomPage(browser).awaitConnected();
  }

  Browser browser() {
    return browser;
  }

  RoomPage awaitConnected() {
    browser.until("the room to be connected", d -> "connected".equals(
        browser.script("const s = document.getElementById('status');"
            + " return s.closest('[hidden]') ? null : s.dataset.state")));
    browser.textbox("Message");
    // After a reload the nickname comes back with the server's welcome (it is kept in no storage).
    browser.until("the own nickname to be shown", d -> !nickname().isEmpty());
    return this;
  }

  /** The room code shown beside "Code". */
  RoomCode code() {
    String shown = (String) browser.script("return document.getElementById('room-code-display').textContent");
    return RoomCode.parse(shown.trim());
  }

  /** The invite link, as "Copy invite link" puts it on the clipboard (or shows it when copying is refused). */
  String copyInviteLink() {
    browser.click("Copy invite link");
    return browser.until("the invite link to be copied or shown", d -> {
      String fallback = (String) browser.script("const f = document.getElementById('invite-fallback');"
          + " return f.hidden ? null : f.querySelector('input').value");
      if (fallback != null && !fallback.isEmpty()) {
        return fallback;
      }
      String feedback = (String) browser.script("return document.getElementById('copy-feedback').textContent");
      return feedback.contains("copied") ? clipboard() : null;
    });
  }

  private String clipboard() {
    browser.allowClipboardReading(SottoWar.ORIGIN);
    return (String) browser.script("return navigator.clipboard.readText().catch(() => null)");
  }

  /** Types a message into "Message" and clicks "Send"; returns once the server has stored it (its seq is shown). */
  void send(String text) {
    browser.textbox("Message").sendKeys(text);
    browser.click("Send");
    browser.until("\"" + text + "\" to be stored", d -> messages().stream().anyMatch(m -> m.text().equals(text)));
  }

  /** Selects the nickname field's text, types the new one and presses Enter; returns once the list shows it. */
  void setNickname(String nick) {
    browser.textbox("Your nickname").sendKeys(Keys.chord(Keys.CONTROL, "a"), nick, Keys.ENTER);
    browser.until("own nickname " + nick + " in the participant list",
        d -> participants().stream().anyMatch(p -> p.self() && p.name().equals(nick)));
  }

  /** The own nickname, as the "Your nickname" field holds it (on a phone that field is in the closed people drawer). */
  String nickname() {
    return (String) browser.script("return document.getElementById('nickname-input').value");
  }

  /** A stored message as shown: seq, sender session, author line and text. */
  record Message(long seq, String from, String author, String text) {}

  /** The stored messages shown in #messages, top to bottom. */
  List<Message> messages() {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) browser.script(
        "return [...document.querySelectorAll('#messages .message[data-seq]')].map(m => ({"
            + " seq: m.dataset.seq, from: m.dataset.from,"
            + " author: m.querySelector('.message-author').textContent,"
            + " text: (m.querySelector('.message-text') ?? m.querySelector('.file-name')).textContent }))");
    return rows.stream()
        .map(r -> new Message(Long.parseLong((String) r.get("seq")), (String) r.get("from"), (String) r.get("author"),
            (String) r.get("text")))
        .toList();
  }

  /** Waits until a message with exactly this text is shown and returns it. */
  Message awaitMessage(String text) {
    return browser.until("message \"" + text + "\" to be shown",
        d -> messages().stream().filter(m -> m.text().equals(text)).findFirst().orElse(null));
  }

  /**
   * Waits until a message with this text is shown under this author and returns it. A nickname chosen just now may
   * take a moment to reach the others (the server lets each person change their profile about once a second).
   */
  Message awaitMessage(String text, String author) {
    return browser.until("message \"" + text + "\" to be shown from " + author, d -> messages().stream()
        .filter(m -> m.text().equals(text) && m.author().equals(author))
        .findFirst()
        .orElse(null));
  }

  /** A file shown in the conversation: its name, its size as shown, and whether it shows a thumbnail that loaded. */
  record SharedFile(String name, String size, boolean thumbnail) {}

  /** The files shown in #messages, top to bottom. */
  List<SharedFile> files() {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) browser.script(
        "return [...document.querySelectorAll('#messages .message[data-seq] .file-card')].map(f => ({"
            + " name: f.querySelector('.file-name').textContent, size: f.querySelector('.file-size').textContent,"
            + " thumbnail: Boolean(f.querySelector('img.file-thumb')?.naturalWidth) }))");
    return rows.stream()
        .map(r -> new SharedFile((String) r.get("name"), (String) r.get("size"), (Boolean) r.get("thumbnail")))
        .toList();
  }

  /** Waits until the file with this name is shown and returns it. */
  SharedFile awaitFile(String name) {
    return browser.until("file " + name + " to be shown",
        d -> files().stream().filter(f -> f.name().equals(name)).findFirst().orElse(null));
  }

  /** Chooses a file with "Attach file" (the picker's input). */
  void attach(java.nio.file.Path file) {
    browser.button("Attach file");
    browser.chooseFile("file-input", file);
  }

  /** The line under the conversation that tells about an upload (progress, or why a file was not sent). */
  String fileStatus() {
    return (String) browser.script(
        "return document.getElementById('file-status').hidden ? ''"
            + " : document.getElementById('file-status-text').textContent");
  }

  /** Clicks "Download <name>" and waits until the file's line tells the outcome; returns that text. */
  String download(String name) {
    browser.click("Download " + name);
    return browser.until("the download of " + name + " to end", d -> {
      Object state = browser.script(
          "const card = [...document.querySelectorAll('#messages .file-card')]"
              + ".find(f => f.querySelector('.file-name').textContent === arguments[0]);"
              + " const b = card.querySelector('.file-download');"
              + " return b.disabled ? null : card.querySelector('.file-state').textContent", name);
      return state == null || ((String) state).isEmpty() ? null : (String) state;
    });
  }

  /** Own messages still waiting for the server's acknowledgement. */
  long pendingCount() {
    return (Long) browser.script("return document.querySelectorAll('#messages .message-pending').length");
  }

  /** An entry of the "People" list. */
  record Participant(String sessionId, String name, boolean online, boolean self, boolean owner) {}

  List<Participant> participants() {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) browser.script(
        "return [...document.querySelectorAll('#participants li')].map(p => ({"
            + " id: p.dataset.sessionId, name: p.querySelector('.participant-name').textContent,"
            + " online: p.classList.contains('online'), self: !!p.querySelector('.you-tag'),"
            + " owner: !!p.querySelector('.badge') }))");
    return rows.stream()
        .map(r -> new Participant((String) r.get("id"), (String) r.get("name"), (Boolean) r.get("online"),
            (Boolean) r.get("self"), (Boolean) r.get("owner")))
        .toList();
  }

  /** This person's own session ID, from their entry in the "People" list. */
  String selfId() {
    return browser.until("own entry in the participant list",
        d -> participants().stream().filter(Participant::self).map(Participant::sessionId).findFirst().orElse(null));
  }

  /** Whether the "People" list shows this session online. */
  boolean showsOnline(String sessionId) {
    return participants().stream().anyMatch(p -> p.sessionId().equals(sessionId) && p.online());
  }

  // ---- trust inside a room ----

  /** Opens a member's details from the "People" list (their name is a button). */
  void openMember(String sessionId) {
    browser.until("the member's name in the list", d -> browser.script(
        "const b = document.querySelector(`#participants li[data-session-id='${arguments[0]}'] button`);"
            + " if (!b) return false; b.click(); return document.getElementById('member-dialog').open", sessionId));
  }

  /** The safety code shown in the open member dialog, once the member's keys are known. */
  String safetyCode() {
    return browser.until("a safety code in the member dialog", d -> (String) browser.script(
        "const c = document.getElementById('member-dialog-code');"
            + " return c.closest('[hidden]') ? null : (c.textContent || null)"));
  }

  void closeMemberDialog() {
    browser.click("Done");
    browser.until("the member dialog to close",
        d -> Boolean.FALSE.equals(browser.script("return document.getElementById('member-dialog').open")));
  }

  /** Whether the "People" list marks this member verified. */
  boolean showsVerified(String sessionId) {
    return Boolean.TRUE.equals(browser.script(
        "return !!document.querySelector(`#participants li[data-session-id='${arguments[0]}'] .badge.verified`)",
        sessionId));
  }

  /** Opens the member and clicks "Remove from room". */
  void removeMember(String sessionId) {
    openMember(sessionId);
    browser.click("Remove from room");
  }

  /** Opens the member and clicks "Make owner". */
  void makeOwner(String sessionId) {
    openMember(sessionId);
    browser.click("Make owner");
  }

  /** A knock as the owner sees it: the newcomer's session, nickname and member code. */
  record Knock(String sessionId, String nick, String code) {}

  List<Knock> knocks() {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) browser.script(
        "return [...document.querySelectorAll('#knock-list li')].map(k => ({ id: k.dataset.sessionId,"
            + " nick: k.querySelector('.knock-name').textContent, code: k.querySelector('.member-code').textContent }))");
    return rows.stream()
        .map(r -> new Knock((String) r.get("id"), (String) r.get("nick"), (String) r.get("code")))
        .toList();
  }

  /** Opens an invite link of a room that makes newcomers knock; returns the code the waiting page shows. */
  static String openInviteAndKnock(Browser browser, String inviteLink) {
    browser.open(inviteLink);
    return browser.until("the waiting page with its member code", d -> (String) browser.script(
        "const w = document.getElementById('waiting'); const c = document.getElementById('waiting-code');"
            + " return w.closest('[hidden]') || w.hidden ? null : (c.textContent || null)"));
  }

  /** The notices shown in the timeline (removals, key changes, new owner). */
  @SuppressWarnings("unchecked")
  List<String> timelineNotices() {
    return (List<String>) browser.script(
        "return [...document.querySelectorAll('#messages .timeline-notice')].map(n => n.textContent)");
  }

  /** The text of the page's notice line (errors and explanations). */
  String notice() {
    return (String) browser.script("const n = document.getElementById('notice'); return n.hidden ? '' : n.textContent");
  }

  /** Clicks "Close room" and confirms with "Yes, close it" in the dialog. */
  void closeRoom() {
    browser.click("Close room");
    browser.click("Yes, close it");
  }

  void leave() {
    browser.click("Leave room");
  }

  /** Clicks "Leave no trace"; returns once the tab shows the blank page that replaces Sotto. */
  void leaveNoTrace() {
    browser.click("Leave no trace");
    awaitBlank();
  }

  /** Waits until the tab shows the blank page that "Leave no trace" puts in Sotto's place. */
  void awaitBlank() {
    browser.until("the blank page", d -> "about:blank".equals(browser.url()));
  }

  /** Waits for the notice that replaces a deleted room and returns its text. */
  String awaitGoneNotice() {
    return browser.until("the room-gone notice", d -> (String) browser.script(
        "const g = document.getElementById('room-gone'); return g.hidden ? null : g.textContent.trim()"));
  }

  /** Whether the start page is shown (its "Create room" button is visible). */
  boolean showsStartPage() {
    return browser.shows("Create room");
  }
}
