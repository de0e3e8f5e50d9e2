// One open room: gets a session, loads history, keeps the WebSocket, turns frames into room state
// and room state into the views, and carries out the person's actions (send, rename, leave, close).
// Calls live in call/call.js; the room hands them its signals, presence and the session's counter.

import { ApiError } from './api.js';
import { Call } from './call/call.js';
import { ChatState, createThrottle, TYPING_VISIBLE_MS, typingText } from './chat.js';
import { Connection, socketUrl } from './connection.js';
import { deriveRoomId, deriveRoomKey } from './crypto.js';
import { cleanNickname, randomNickname } from './nickname.js';
import {
  EnvelopeTooLargeError, MAX_TEXT_CHARS, openChat, openProfile, sealChat, sealProfile, typingFrame,
} from './protocol.js';
import { formatCode } from './roomcode.js';

export const GONE_CLOSED = 'This room has been closed. Everything in it was deleted.';
export const GONE_MISSING = 'This room no longer exists.';
const HISTORY_PAGE = 50;
const TYPING_THROTTLE_MS = 3000;
const MAX_REFUSALS = 2;
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 10000;
/** "Leave no trace" waits at most this long for the server to confirm the leave before the page goes blank. */
const TRACELESS_LEAVE_MS = 3000;

const RETRYABLE = new Set(['rate_limited', 'unavailable']);
const ENVELOPE_ERRORS = {
  history_full: 'This room cannot store more messages. Your message was not sent.',
  too_large: 'That message is too large to send.',
  bad_frame: 'The server could not read that message, so it was not sent.',
};

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

export class Room {
  /**
   * @param {object} o
   * @param {Uint8Array} o.codeBytes
   * @param {object} o.api  from createApi()
   * @param {import('./session-store.js').SessionStore} o.store
   * @param {object} o.ui  { bar, messages, participants, composer, notice, call }
   * @param {(text: string) => void} o.onGone  the room was deleted or does not exist
   * @param {(notice?: string) => void} o.onExit  back to the landing view
   * @param {string} [o.nick]  the nickname to start with (a new room); otherwise the own profile's, or a random one
   * @param {object} [o.tabs]  from createTabSessions(): keeps a duplicated tab from using its original's session
   */
  constructor({ codeBytes, api, store, ui, onGone, onExit, nick = '', tabs = null }) {
    this.codeBytes = codeBytes;
    this.formatted = formatCode(codeBytes);
    Object.assign(this, { api, store, ui, onGone, onExit, tabs });
    this.releaseTab = () => {};
    this.chat = new ChatState();
    this.session = null;
    // Kept in memory only: after a reload it comes back from the own encrypted profile in `welcome`.
    this.nick = nick;
    this.roomId = null;
    this.key = null;
    this.serverCounter = 0;
    this.profileCounter = null;
    this.refusals = 0;
    this.noMoreEarlier = false;
    this.loadingEarlier = false;
    this.closed = false;
    this.frames = Promise.resolve();
    this.timers = new Set();
    this.typingAllowed = createThrottle(TYPING_THROTTLE_MS);
    this.connection = new Connection({
      url: socketUrl(),
      auth: () => ({ token: this.session.token, since: this.chat.since }),
      onFrame: (frame) => {
        this.frames = this.frames.then(() => this.handle(frame)).catch(() => {});
      },
      onStatus: (status) => {
        this.ui.bar.setStatus(status);
        if (status !== 'connected') this.call.disconnected();
      },
      onAuthRefused: () => this.refused(),
      onGone: () => this.gone(GONE_CLOSED),
      onSessionEnded: () => this.ended(),
    });
    this.call = new Call({
      view: ui.call,
      signals: {
        context: () => ({ key: this.key, roomId: this.roomId, selfId: this.session.sessionId }),
        nextCounter: () => this.store.nextCounter(this.roomId, this.session, this.serverCounter),
        sendFrame: (frame) => this.connection.sendNow(frame),
      },
      fetchIce: () => this.api.ice(this.session.token),
      nickOf: (id) => this.chat.nickOf(id),
    });
  }

  get inviteLink() {
    return `${globalThis.location.origin}/#${this.formatted}`;
  }

  // ---- lifecycle ----

  async enter() {
    const { bar, composer } = this.ui;
    bar.setCode(this.formatted);
    bar.setStatus('connecting');
    bar.setOwner(null);
    bar.setBusy(false);
    composer.setEnabled(false);
    this.roomId = await deriveRoomId(this.codeBytes);
    this.key = await deriveRoomKey(this.codeBytes);
    this.chat.restoreGuard(this.store.loadGuard(this.roomId));
    const ready = await this.withRetries(async () => {
      await this.ensureSession();
      await this.loadNewest();
    });
    if (!ready || this.closed) return;
    composer.setEnabled(true);
    this.connection.start();
  }

  /** Leaves the page's hold on the room (navigation); the session stays stored. */
  dispose() {
    this.closed = true;
    this.releaseTab();
    this.call.end();
    this.connection.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  later(fn, ms) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(timer);
  }

  /**
   * Runs a REST step, retrying while the server is unreachable or busy, and joining again when the
   * stored token is refused. Returns false when the room is gone or the step cannot succeed.
   */
  async withRetries(step) {
    let attempt = 0;
    let refusals = 0;
    for (;;) {
      if (this.closed) return false;
      try {
        await step();
        return true;
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        if (error.status === 404) {
          this.gone(GONE_MISSING);
          return false;
        }
        if ((error.status === 401 || error.status === 403) && this.session && refusals < MAX_REFUSALS) {
          refusals += 1;
          this.dropSession();
        } else if (error.status === 0 || error.status >= 500 || error.status === 429) {
          const wait = error.retryAfterSeconds !== null
            ? error.retryAfterSeconds * 1000
            : Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempt) * (0.5 + Math.random() / 2);
          attempt += 1;
          this.ui.notice.show(error.status === 429
            ? `The server is busy; trying again in ${Math.ceil(wait / 1000)} s.`
            : 'The server cannot be reached; trying again…', { timeoutMs: wait + 1000 });
          await sleep(wait);
        } else {
          this.dispose();
          this.onExit(error.code === 'room_full'
            ? 'This room is full.'
            : `Could not enter the room: ${error.message}`);
          return false;
        }
      }
    }
  }

  async ensureSession() {
    if (this.session) return;
    const kept = this.store.load(this.roomId);
    let session = kept;
    if (!session) {
      const grant = await this.api.joinRoom(this.roomId);
      session = { ...grant, counter: 0 };
      if (!this.nick) this.nick = randomNickname();
    }
    this.releaseTab();
    this.releaseTab = () => {};
    if (this.tabs) {
      this.releaseTab = kept
        ? this.tabs.ask(session.sessionId, () => this.usedElsewhere())
        : this.tabs.hold(session.sessionId);
    }
    this.session = session;
    this.store.save(this.roomId, session);
    this.chat.selfId = session.sessionId;
    if (this.nick) this.ui.composer.setNickname(this.nick);
    this.ui.bar.setOwner(session.owner);
  }

  /** Another tab (a duplicate of this one, or its original) uses this session: go on as a new participant. */
  async usedElsewhere() {
    if (this.closed) return;
    const running = this.connection.status !== 'stopped';
    this.connection.stop();
    const unsent = this.connection.takeOutbox();
    this.dropSession();
    if (!await this.withRetries(() => this.ensureSession()) || this.closed) return;
    for (const { c, meta } of unsent) {
      this.ui.messages.removePending(c);
      await this.queueChat(meta);
    }
    if (running && !this.closed) this.connection.start();
  }

  /** Forgets a refused session (the replay guard stays); the nickname is kept for the next one. */
  dropSession() {
    this.store.forgetSession(this.roomId);
    this.session = null;
    this.serverCounter = 0;
  }

  async loadNewest() {
    if (this.chat.lowest > 0) return;
    const page = await this.api.history(this.roomId, this.session.token, { limit: HISTORY_PAGE });
    await this.addStored(page.messages);
    this.noMoreEarlier = !page.hasMore;
    this.updateEarlier();
  }

  /** The server refused the token on the WebSocket: join again as a new participant. */
  async refused() {
    this.refusals += 1;
    if (this.refusals > MAX_REFUSALS) {
      this.ui.bar.setStatus('stopped');
      this.ui.notice.show('The server keeps refusing this session. Reload the page to try again.');
      return;
    }
    const unsent = this.connection.takeOutbox();
    this.dropSession();
    if (!await this.withRetries(() => this.ensureSession()) || this.closed) return;
    for (const { c, meta } of unsent) {
      this.ui.messages.removePending(c);
      await this.queueChat(meta);
    }
    if (!this.closed) this.connection.start();
  }

  /** This session left the room elsewhere (another tab): do not join again behind the person's back. */
  ended() {
    if (this.closed) return;
    this.dispose();
    this.store.remove(this.roomId);
    this.onExit('You left this room.');
  }

  gone(text) {
    if (this.closed) return;
    this.dispose();
    if (this.roomId) this.store.remove(this.roomId);
    // The room is deleted: its decrypted messages leave the page too.
    this.ui.messages.clear();
    this.ui.bar.setStatus('closed');
    this.onGone(text);
  }

  // ---- frames from the server ----

  async handle(frame) {
    if (this.closed) return;
    switch (frame.t) {
      case 'welcome': return this.welcome(frame);
      case 'msg': return this.addStored([frame]);
      case 'profile': return this.applyProfiles([frame]);
      case 'signal': return this.call.receive(frame);
      case 'presence':
        this.chat.setOnline(frame.online);
        this.call.setOnline(frame.online);
        this.renderPeople();
        return this.renderTyping();
      case 'left':
        this.chat.forget(frame.from);
        this.call.memberLeft(frame.from);
        this.renderPeople();
        return this.renderTyping();
      case 'typing':
        this.chat.noteTyping(frame.from, Date.now());
        this.renderTyping();
        return this.later(() => this.renderTyping(), TYPING_VISIBLE_MS + 50);
      case 'error': return this.serverError(frame);
      default: return undefined;
    }
  }

  async welcome(frame) {
    const { session, chat } = this;
    this.refusals = 0;
    chat.selfId = frame.sessionId;
    chat.ownerId = frame.ownerId;
    session.sessionId = frame.sessionId;
    session.owner = frame.owner;
    this.serverCounter = frame.maxCounter;
    session.counter = Math.max(session.counter, frame.maxCounter);
    this.store.save(this.roomId, session);
    this.ui.bar.setOwner(frame.owner);
    this.call.welcomed(frame.sessionId);
    await this.applyProfiles(frame.profiles);
    if (this.closed) return;
    if (!this.nick) {
      // A reloaded page: the nickname is the one this session last sent, else a new one.
      this.nick = this.chat.profiles.get(frame.sessionId)?.nick || randomNickname();
      this.ui.composer.setNickname(this.nick);
    }
    this.renderPeople();
    await this.sendProfile();
  }

  /** Opens chat envelopes (a live frame or a history page) and shows the new ones. */
  async addStored(frames) {
    const fresh = frames.filter((f) => this.chat.isNewSeq(f.seq));
    const bodies = await Promise.all(fresh.map((f) => openChat(this.key, this.roomId, f)));
    if (this.closed) return;
    const shown = [];
    fresh.forEach((frame, i) => {
      const message = this.chat.receive(frame, bodies[i]);
      if (!message) return;
      const own = this.chat.isOwn(message);
      if (own) this.ui.messages.removePending(message.c);
      shown.push({ message, own, nick: this.chat.nickOf(message.from, message.nick) });
    });
    this.ui.messages.add(shown);
    if (this.chat.guardChanged) {
      this.chat.guardChanged = false;
      this.store.saveGuard(this.roomId, this.chat.guard());
    }
    this.updateEarlier();
    this.renderTyping();
  }

  async applyProfiles(envelopes) {
    const bodies = await Promise.all(envelopes.map((p) => openProfile(this.key, this.roomId, p)));
    if (this.closed) return;
    envelopes.forEach((p, i) => {
      if (bodies[i] && this.chat.applyProfile(p.from, p.c, bodies[i].nick)) {
        this.ui.messages.renameAuthor(p.from, this.chat.nickOf(p.from));
      }
    });
    this.renderPeople();
    this.call.renamed();
  }

  serverError(error) {
    if (this.call.refused(error)) return;
    const { notice, messages, composer } = this.ui;
    const retryMs = error.retryAfterMs ?? 1000;
    if (error.c !== undefined && error.c === this.profileCounter) {
      // The nickname is sent again by itself; no need to bother the person.
      if (RETRYABLE.has(error.code)) this.later(() => this.sendProfile(), retryMs);
      return;
    }
    if (RETRYABLE.has(error.code)) {
      // A chat frame still in the outbox is sent again by the connection once the wait is over.
      const seconds = Math.max(1, Math.ceil(retryMs / 1000));
      notice.show(error.code === 'rate_limited'
        ? `You are sending too fast; try again in ${seconds} s.`
        : `The server could not store your message; trying again in ${seconds} s.`, { timeoutMs: retryMs + 1500 });
      return;
    }
    const entry = error.c !== undefined ? this.connection.drop(error.c) : undefined;
    if (entry) {
      if (composer.restore(entry.meta.text)) messages.removePending(error.c);
      else messages.markPendingFailed(error.c);
    }
    notice.show(ENVELOPE_ERRORS[error.code] ?? (error.message || 'The server refused a request.'));
  }

  // ---- rendering ----

  renderPeople() {
    this.ui.participants.render(this.chat.participants());
  }

  renderTyping() {
    this.ui.composer.setTyping(typingText(this.chat.typists(Date.now())));
  }

  updateEarlier() {
    this.ui.messages.setEarlier({
      visible: this.chat.hasEarlier && !this.noMoreEarlier,
      busy: this.loadingEarlier,
    });
  }

  // ---- the person's actions ----

  /** Sends a chat message. Resolves false when it was refused (the composer then keeps the text). */
  async send(text) {
    if (this.closed || !this.session) return false;
    if (text.length > MAX_TEXT_CHARS) {
      this.ui.notice.show(`A message can have at most ${MAX_TEXT_CHARS} characters; this one has ${text.length}.`);
      return false;
    }
    try {
      await this.queueChat({ text, nick: this.nick, sentAt: Date.now() });
      return true;
    } catch (error) {
      if (!(error instanceof EnvelopeTooLargeError)) throw error;
      this.ui.notice.show('This message is too large to send once encrypted. Please shorten it.');
      return false;
    }
  }

  /** Seals a chat payload under a fresh counter and hands it to the outbox, which sends it until acked. */
  async queueChat(payload) {
    const counter = this.store.nextCounter(this.roomId, this.session, this.serverCounter);
    const frame = await sealChat(this.key, this.sender(counter), payload);
    this.ui.messages.addPending({ c: counter, ...payload });
    this.connection.enqueue(counter, frame, payload);
  }

  sender(counter) {
    return { roomId: this.roomId, sessionId: this.session.sessionId, counter };
  }

  typing() {
    if (this.connection.online && this.typingAllowed()) this.connection.sendNow(typingFrame());
  }

  async rename(typed) {
    if (!this.session) return;
    const nick = cleanNickname(typed) || this.nick;
    this.ui.composer.setNickname(nick);
    if (nick === this.nick) return;
    this.nick = nick;
    await this.sendProfile();
  }

  /** Sends the own nickname as an encrypted profile (on every welcome and on each change). */
  async sendProfile() {
    if (!this.connection.online || !this.nick) return;
    const { nick } = this;
    const counter = this.store.nextCounter(this.roomId, this.session, this.serverCounter);
    const frame = await sealProfile(this.key, this.sender(counter), { nick });
    this.profileCounter = counter;
    this.connection.sendNow(frame);
    if (this.chat.applyProfile(this.session.sessionId, counter, nick)) {
      this.ui.messages.renameAuthor(this.session.sessionId, nick);
      this.renderPeople();
    }
  }

  async loadEarlier() {
    if (this.loadingEarlier || !this.chat.hasEarlier || !this.session) return;
    this.loadingEarlier = true;
    this.updateEarlier();
    try {
      const page = await this.api.history(this.roomId, this.session.token, {
        before: this.chat.lowest, limit: HISTORY_PAGE,
      });
      await this.addStored(page.messages);
      if (!page.hasMore) this.noMoreEarlier = true;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 404) this.gone(GONE_CLOSED);
      else this.ui.notice.show('Earlier messages could not be loaded. Try again in a moment.', { timeoutMs: 8000 });
    } finally {
      this.loadingEarlier = false;
      if (!this.closed) this.updateEarlier();
    }
  }

  async leave() {
    if (!this.session) return;
    this.ui.bar.setBusy(true);
    await this.call.leave();
    // Stop first: the server closes this session's socket, which must not look like a refused token.
    this.connection.stop();
    try {
      await this.api.leave(this.session.token);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status !== 401 && error.status !== 404) {
        this.ui.notice.show('Could not leave the room right now. Try again in a moment.', { timeoutMs: 8000 });
        this.ui.bar.setBusy(false);
        this.connection.start();
        return;
      }
    }
    this.dispose();
    this.store.remove(this.roomId);
    this.onExit();
  }

  async close() {
    if (!this.session || !await this.ui.bar.confirmClose()) return;
    this.ui.bar.setBusy(true);
    try {
      await this.api.closeRoom(this.roomId, this.session.token);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status !== 404) {
        this.ui.notice.show(error.code === 'not_owner'
          ? 'Only the owner can close this room.'
          : 'Could not close the room right now. Try again in a moment.', { timeoutMs: 8000 });
        this.ui.bar.setBusy(false);
        return;
      }
    }
    this.gone(GONE_CLOSED);
  }

  /**
   * "Leave no trace": stops everything at once and leaves the room as "Leave room" does (for the owner this
   * deletes the room). The request is kept alive past the page, and waited for a few seconds at most.
   */
  async leaveWithoutTrace() {
    const token = this.session?.token;
    this.dispose();
    this.session = null;
    this.nick = '';
    if (!token) return;
    let timer;
    await Promise.race([
      this.api.leave(token, { keepalive: true }).catch(() => {}),
      new Promise((resolve) => { timer = setTimeout(resolve, TRACELESS_LEAVE_MS); }),
    ]);
    clearTimeout(timer);
  }

  async copyInvite() {
    const link = this.inviteLink;
    try {
      await globalThis.navigator.clipboard.writeText(link);
      this.ui.bar.showCopied();
    } catch {
      this.ui.bar.showCopyFallback(link);
    }
  }

  /** The browser is back online: reconnect now rather than after the backoff. */
  nudge() {
    this.connection.nudge();
  }
}
