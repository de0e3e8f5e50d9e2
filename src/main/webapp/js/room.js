// One open room: gets a session, loads history, keeps the WebSocket, turns frames into room state
// and room state into the views, and carries out the person's actions (send, rename, leave, close).
// Calls live in call/call.js; the room hands them its signals, presence and the session's counter.

import { ApiError } from './api.js';
import { Call } from './call/call.js';
import { ChatState, createThrottle, TYPING_VISIBLE_MS, typingText } from './chat.js';
import { Connection, socketUrl } from './connection.js';
import { deriveRoomId, deriveRoomKey } from './crypto.js';
import { describeUploadError } from './files/file-errors.js';
import { FileTransfers } from './files/file-transfers.js';
import { msg, t } from './i18n.js';
import { MemberNotices } from './member-notices.js';
import { cleanNickname, randomNickname } from './nickname.js';
import {
  EnvelopeTooLargeError, MAX_TEXT_CHARS, openChat, openProfile, sealChat, sealFileMessage, sealHandover, sealKnock,
  sealProfile, typingFrame,
} from './protocol.js';
import { formatCode } from './roomcode.js';
import { createMemberKeys } from './trust/member-keys.js';
import { RoomTrust } from './trust/room-trust.js';
import { memberCode } from './trust/safety-code.js';

export const GONE_CLOSED = msg('room.gone.closed');
export const GONE_MISSING = msg('room.gone.missing');
export const REMOVED = msg('room.removed');
/** Envelopes that could not be opened or checked yet (an epoch key or a sender's key still to come). */
const MAX_UNOPENED = 2000;
const HISTORY_PAGE = 50;
const TYPING_THROTTLE_MS = 3000;
const MAX_REFUSALS = 2;
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 10000;
/** "Leave no trace" waits at most this long for the server to confirm the leave before the page goes blank. */
const TRACELESS_LEAVE_MS = 3000;

const RETRYABLE = new Set(['rate_limited', 'unavailable']);
const ENTRY_REFUSALS = {
  room_full: msg('room.full'),
  room_locked: msg('room.locked'),
};
const ENVELOPE_ERRORS = {
  history_full: msg('send.historyFull'),
  too_large: msg('send.tooLarge'),
  bad_frame: msg('send.badFrame'),
};

/** Why a request failed, for the person: this page's words for what it knows, else what the server said. */
export function reasonOf(error) {
  if (error.code === 'network') return t('error.network');
  if (error.code === 'bad_response') return t('error.badResponse');
  return error.message;
}

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

export class Room {
  /**
   * @param {object} o
   * @param {Uint8Array} o.codeBytes
   * @param {object} o.api  from createApi()
   * @param {import('./session-store.js').SessionStore} o.store
   * @param {object} o.ui  { bar, messages, timeline, participants, people, attention, composer, notice, call, … }
   * @param {(text: string) => void} o.onGone  the room was deleted or does not exist
   * @param {(notice?: string) => void} o.onExit  back to the landing view
   * @param {string} [o.nick]  the nickname to start with (a new room); otherwise the own profile's, or a random one
   * @param {object} [o.tabs]  from createTabSessions(): keeps a duplicated tab from using its original's session
   * @param {object} o.keyStore  from createKeyStore(): the member's private keys, per session, in IndexedDB
   */
  constructor({ codeBytes, api, store, ui, onGone, onExit, nick = '', tabs = null, keyStore }) {
    this.codeBytes = codeBytes;
    this.formatted = formatCode(codeBytes);
    Object.assign(this, { api, store, ui, onGone, onExit, tabs, keyStore });
    this.trust = null;
    this.welcomed = false;
    this.settings = { locked: false, knock: false, sealed: false };
    this.knocks = new Map(); // sessionId -> { nick, keys, code, c }: people waiting to enter (the owner's view)
    this.unopened = new Map(); // seq -> msg frame not shown yet: no epoch key for it, or its sender's key unknown
    this.unopenedProfiles = new Map(); // sessionId -> profile envelope sealed under an epoch not held yet
    this.heldChat = []; // payloads waiting for the new epoch after a removal
    this.changedKeys = new Set();
    this.notices = new MemberNotices();
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
      onRemoved: () => this.removed(),
    });
    this.files = new FileTransfers({
      api,
      access: () => (this.session && !this.closed ? { roomId: this.roomId, token: this.session.token } : null),
      announce: (file) => this.queueChat({ file, nick: this.nick, sentAt: Date.now() }),
      report: {
        progress: (name, done, total) => ui.attach.progress(name, done, total),
        finished: () => ui.attach.finished(),
        failed: (name, error) => ui.attach.failed(describeUploadError(name, error)),
      },
      pastedName: t('files.pastedName'),
    });
    this.call = new Call({
      view: ui.call,
      signals: {
        context: () => ({
          keyring: this.trust.keyring,
          roomId: this.roomId,
          selfId: this.session.sessionId,
          signKey: this.trust.own.keys.sign.privateKey,
          keysOf: (id) => this.trust.keysOf(id),
        }),
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
    const { bar } = this.ui;
    bar.setCode(this.formatted);
    bar.setStatus('connecting');
    bar.setOwner(null);
    bar.setBusy(false);
    this.setComposing(false);
    this.roomId = await deriveRoomId(this.codeBytes);
    this.key = await deriveRoomKey(this.codeBytes);
    this.trust = new RoomTrust({ roomId: this.roomId, epoch0Key: this.key });
    this.chat.restoreGuard(this.store.loadGuard(this.roomId));
    const ready = await this.withRetries(async () => {
      await this.ensureSession();
      await this.loadNewest();
    });
    if (!ready || this.closed) return;
    this.setComposing(this.session.admitted !== false);
    this.connection.start();
  }

  /** The composer and "Attach file" work only for an admitted member. */
  setComposing(enabled) {
    this.ui.composer.setEnabled(enabled);
    this.ui.attach.setEnabled(enabled);
  }

  /** Leaves the page's hold on the room (navigation); the session stays stored. */
  dispose() {
    this.closed = true;
    this.releaseTab();
    this.call.end();
    this.files.dispose();
    this.ui.attach.clear();
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
            ? msg('room.busy', { seconds: Math.ceil(wait / 1000) })
            : msg('room.unreachable'), { timeoutMs: wait + 1000 });
          await sleep(wait);
        } else {
          this.dispose();
          this.onExit(ENTRY_REFUSALS[error.code] ?? msg('room.enterFailed', { reason: reasonOf(error) }));
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
    await this.loadKeys(session.sessionId);
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

  /** This session's signing and key-agreement keys: the ones kept for it, or new ones. */
  async loadKeys(sessionId) {
    let keys = await this.keyStore.load(sessionId);
    if (!keys) {
      keys = await createMemberKeys();
      await this.keyStore.save(sessionId, keys);
    }
    this.trust.setOwn(sessionId, keys);
  }

  /** Forgets a refused session (the replay guard stays); the nickname is kept for the next one. */
  dropSession() {
    if (this.session) this.keyStore.remove(this.session.sessionId);
    this.store.forgetSession(this.roomId);
    this.session = null;
    this.serverCounter = 0;
  }

  async loadNewest() {
    // A knocking session reads nothing of the room before it is admitted.
    if (this.chat.lowest > 0 || this.session.admitted === false) return;
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
      this.ui.notice.show(msg('room.refused'));
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
    this.forgetRoom();
    this.onExit(msg('room.left'));
  }

  /** The owner removed this session (or refused its knock): everything of the room leaves this browser. */
  removed() {
    if (this.closed) return;
    this.dispose();
    this.forgetRoom();
    this.ui.messages.clear();
    this.onExit(REMOVED);
  }

  /** Forgets the session, its keys and the replay guard of this room. */
  forgetRoom() {
    if (this.session) this.keyStore.remove(this.session.sessionId);
    if (this.roomId) this.store.remove(this.roomId);
  }

  gone(text) {
    if (this.closed) return;
    this.dispose();
    this.forgetRoom();
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
      case 'waiting': return this.waitToEnter();
      case 'msg': return this.addStored([frame], { live: true });
      case 'profile': return this.applyProfiles([frame]);
      case 'knock': return this.addKnocks([frame]);
      case 'room': return this.applySettings(frame);
      case 'owner': return this.ownerChanged(frame.ownerId);
      case 'signal': return this.call.receive(frame);
      case 'presence':
        this.chat.setOnline(frame.online);
        this.tell(this.notices.presence(frame.online));
        this.call.setOnline(frame.online);
        this.renderPeople();
        return this.renderTyping();
      case 'left':
        this.memberLeft(frame);
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
    this.ui.waiting.hide();
    if (session.admitted === false) {
      session.admitted = true;
      this.setComposing(true);
    }
    chat.selfId = frame.sessionId;
    chat.ownerId = frame.ownerId;
    this.notices.welcoming(frame.sessionId);
    session.sessionId = frame.sessionId;
    session.owner = frame.owner;
    this.serverCounter = frame.maxCounter;
    session.counter = Math.max(session.counter, frame.maxCounter);
    this.store.save(this.roomId, session);
    this.ui.bar.setOwner(frame.owner);
    this.ui.owner.setOwner(frame.owner);
    this.applySettings(frame);
    this.call.welcomed(frame.sessionId);
    await this.applyProfiles(frame.profiles);
    if (this.closed) return;
    this.welcomed = true;
    this.knocks.clear();
    await this.addKnocks(frame.knocks);
    // History read before the members' keys were known is checked now.
    await this.retryUnopened();
    if (this.closed) return;
    if (!this.nick) {
      // A reloaded page: the nickname is the one this session last sent, else a new one.
      this.nick = this.chat.profiles.get(frame.sessionId)?.nick || randomNickname();
      this.ui.composer.setNickname(this.nick);
    }
    this.renderPeople();
    await this.sendProfile();
    this.notices.welcomed();
    await this.handOnNewestEpoch();
  }

  /**
   * Opens chat envelopes (a live frame or a history page), checks their signatures, and shows the new ones.
   * An envelope that opens under no epoch key held yet, or (before the welcome) whose sender's key is not known
   * yet, waits in `unopened` and is tried again when a key arrives; a forged one never opens with a valid
   * signature and is never shown.
   */
  async addStored(frames, { late = false, live = false } = {}) {
    const fresh = late ? frames : frames.filter((f) => this.chat.isNewSeq(f.seq) && !this.unopened.has(f.seq));
    const opened = await Promise.all(fresh.map((f) => openChat(
      this.trust.keyring, this.roomId, f, this.trust.keysOf(f.from),
    )));
    if (this.closed) return;
    const shown = [];
    const handovers = [];
    fresh.forEach((frame, i) => {
      const body = opened[i];
      if (!body || (!body.verified && !this.welcomed)) {
        this.holdUnopened(frame);
        return;
      }
      if (body.kind === 'epoch') {
        this.chat.markSeen(frame.seq);
        if (body.verified) handovers.push({ from: frame.from, handover: body.handover });
        return;
      }
      const message = this.chat.receive(frame, body, { late });
      if (!message) return;
      const own = this.chat.isOwn(message);
      if (own) this.ui.messages.removePending(message.c);
      shown.push({
        message, own, unverified: !body.verified,
        nick: body.verified ? this.authorName(message.from) : this.chat.nickOf(message.from, message.nick),
      });
    });
    this.ui.messages.add(shown, { live });
    if (live) this.ui.attention.arrived(shown.filter((s) => !s.own).length);
    if (this.chat.guardChanged) {
      this.chat.guardChanged = false;
      this.store.saveGuard(this.roomId, this.chat.guard());
    }
    this.updateEarlier();
    this.renderTyping();
    for (const { from, handover } of handovers) await this.takeHandover(from, handover);
  }

  holdUnopened(frame) {
    this.chat.markSeen(frame.seq);
    this.unopened.set(frame.seq, frame);
    if (this.unopened.size > MAX_UNOPENED) this.unopened.delete(this.unopened.keys().next().value);
  }

  /** Tries the held envelopes again (the welcome gave the members' keys, or a new epoch key arrived). */
  async retryUnopened() {
    const profiles = [...this.unopenedProfiles.values()];
    this.unopenedProfiles.clear();
    if (profiles.length > 0) await this.applyProfiles(profiles);
    const frames = [...this.unopened.values()].sort((a, b) => a.seq - b.seq);
    this.unopened.clear();
    if (frames.length > 0) await this.addStored(frames, { late: true });
  }

  /** A key hand-over that verified under its sender's key: take this browser's epoch key from it. */
  async takeHandover(from, handover) {
    const epoch = await this.trust.acceptHandover(from, handover);
    if (epoch === null || this.closed) return;
    if (!this.trust.holding && this.heldChat.length > 0) {
      this.ui.messages.notice(msg('notice.newKey'));
      const held = this.heldChat;
      this.heldChat = [];
      for (const payload of held) await this.sealAndQueue(payload);
    }
    await this.retryUnopened();
  }

  async applyProfiles(envelopes) {
    const bodies = await Promise.all(envelopes.map((p) => openProfile(this.trust.keyring, this.roomId, p)));
    if (this.closed) return;
    for (const [i, p] of envelopes.entries()) {
      const body = bodies[i];
      if (!body) {
        // Sealed under an epoch this browser does not hold yet (a newcomer after a removal): tried again later.
        const kept = this.unopenedProfiles.get(p.from);
        if (!kept || kept.c < p.c) this.unopenedProfiles.set(p.from, p);
        continue;
      }
      if (!this.chat.acceptsProfile(p.from, p.c)) continue;
      // This browser holds its own keys: a profile of its session with other keys (from a hostile server) is not
      // taken for them.
      const pinned = p.from === this.session?.sessionId ? 'same' : await this.trust.pin(p.from, body.keys);
      if (this.closed) return;
      if (pinned === 'changed' && p.from !== this.session?.sessionId) {
        this.changedKeys.add(p.from);
        this.ui.messages.notice(msg('notice.codeChanged', { nick: body.nick || this.chat.nickOf(p.from) }),
          { warning: true });
      }
      if (this.chat.applyProfile(p.from, p.c, body.nick)) this.tell(this.notices.profile(p.from, body.nick));
    }
    this.refreshAuthors();
    this.renderPeople();
    this.call.renamed();
    if (this.welcomed) await this.handOnNewestEpoch();
  }

  // ---- owner and trust ----

  /** The session knocks: nothing of the room reaches it until the owner admits it. */
  async waitToEnter() {
    const { waiting } = this.ui;
    this.setComposing(false);
    this.session.admitted = false;
    waiting.show(await memberCode(this.roomId, this.trust.own.keys.publicKeys));
    if (this.closed || !this.nick) this.nick = this.nick || randomNickname();
    const counter = this.store.nextCounter(this.roomId, this.session, this.serverCounter);
    const frame = await sealKnock(this.sealContext(counter, 0), {
      nick: this.nick, keys: this.trust.own.keys.publicKeys,
    });
    if (!this.closed) this.connection.sendKnock(frame);
  }

  /** Knocks (the owner's view): the newcomer's nickname and member code, from its signed knock. */
  async addKnocks(envelopes) {
    if (!this.session?.owner) return;
    for (const env of envelopes) {
      const body = await openProfile(this.trust.keyring, this.roomId, env, 'knock');
      if (!body || this.closed) continue;
      const known = this.knocks.get(env.from);
      if (known && known.c > env.c) continue;
      this.knocks.set(env.from, {
        nick: body.nick || t('people.anonymous'),
        keys: body.keys,
        c: env.c,
        code: await memberCode(this.roomId, body.keys),
      });
    }
    this.renderKnocks();
  }

  renderKnocks() {
    this.ui.owner.setKnocks([...this.knocks].map(([id, k]) => ({ id, nick: k.nick, code: k.code })));
    this.ui.people.setCount(this.chat.participants().length, this.knocks.size);
  }

  applySettings({ locked, knock, sealed }) {
    this.settings = { locked, knock, sealed };
    this.tell(this.notices.roomSettings(this.settings));
    this.ui.owner.setSettings(this.settings);
  }

  async ownerChanged(ownerId) {
    const wasOwner = this.session.owner;
    this.chat.ownerId = ownerId;
    this.session.owner = ownerId === this.session.sessionId;
    this.store.save(this.roomId, this.session);
    this.ui.bar.setOwner(this.session.owner);
    this.ui.owner.setOwner(this.session.owner);
    this.ui.messages.notice(msg('notice.newOwner', { nick: this.chat.nickOf(ownerId) }));
    this.renderPeople();
    if (this.session.owner && !wasOwner) {
      // A new owner hands the newest epoch on under its own signature (PROTOCOL.md, "Epochs").
      const others = [...this.chat.profiles.keys()].filter((id) => id !== this.session.sessionId && this.trust.keysOf(id));
      await this.postHandovers(await this.trust.handoversFor(others));
    }
  }

  memberLeft({ from, removed }) {
    this.tell(this.notices.left(from, removed));
    const known = this.knocks.delete(from);
    if (known) this.renderKnocks();
    if (!removed || known) {
      this.trust.forget(from);
      return;
    }
    const nick = this.chat.nickOf(from);
    this.trust.forget(from);
    this.ui.messages.notice(msg('notice.removed', { nick }));
    if (!this.session.owner) {
      this.trust.holdForNewEpoch();
      this.ui.messages.notice(msg('notice.waitingForKey'));
    }
  }

  /** The owner hands the newest epoch to every member who lacks it (a newcomer, a late profile). */
  async handOnNewestEpoch() {
    if (!this.session?.owner || !this.connection.online) return;
    const missing = this.trust.missingNewest([...this.chat.profiles.keys()]);
    if (missing.length > 0) await this.postHandovers(await this.trust.handoversFor(missing));
  }

  /** Stores hand-overs as chat envelopes sealed under epoch 0 (PROTOCOL.md); they are not shown as messages. */
  async postHandovers(bodies) {
    for (const body of bodies) {
      const counter = this.store.nextCounter(this.roomId, this.session, this.serverCounter);
      const frame = await sealHandover(this.sealContext(counter, 0), body);
      if (this.closed) return;
      this.connection.enqueue(counter, frame, { handover: true });
    }
  }

  async openMember(id) {
    const self = id === this.session?.sessionId;
    this.ui.members.show({
      id,
      nick: this.chat.nickOf(id),
      self,
      tag: this.trust.tagOf(id),
      code: self ? null : await this.trust.safetyCodeWith(id),
      verified: this.trust.isVerified(id),
      canManage: Boolean(this.session?.owner) && !self,
    });
  }

  setVerified(id, verified) {
    this.trust.setVerified(id, verified);
    if (verified) this.changedKeys.delete(id);
    this.renderPeople();
  }

  /**
   * Runs an owner's REST call; a refusal is told in the notice, with `failure` (the catalog key of what could not be
   * done). Returns true when it was done.
   */
  async ownerCall(action, failure) {
    if (!this.session) return false;
    try {
      await action(this.session.token);
      return true;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.ui.notice.show(error.code === 'not_owner' ? msg('room.ownerOnly')
        : msg('room.ownerFailed', { failure: msg(failure), reason: reasonOf(error) }),
        { timeoutMs: 8000 });
      return false;
    }
  }

  async updateSettings(change) {
    let settings = null;
    const done = await this.ownerCall(async (token) => {
      settings = await this.api.updateRoom(this.roomId, token, change);
    }, 'room.settingsFailed');
    this.applySettings(done ? settings : this.settings);
  }

  async admit(id) {
    const knock = this.knocks.get(id);
    if (!await this.ownerCall((token) => this.api.admit(this.roomId, token, id), 'room.admitFailed')) {
      this.renderKnocks();
      return;
    }
    // The keys the newcomer knocked with are the ones the owner let in: a profile with others is a change.
    if (knock) await this.trust.pin(id, knock.keys);
    this.knocks.delete(id);
    this.renderKnocks();
  }

  async refuse(id) {
    if (!await this.ownerCall((token) => this.api.removeMember(this.roomId, token, id), 'room.refuseFailed')) {
      this.renderKnocks();
      return;
    }
    this.knocks.delete(id);
    this.renderKnocks();
  }

  /** Removes a member, then gives everyone else a new epoch key that the removed member never gets. */
  async removeMember(id) {
    const nick = this.chat.nickOf(id);
    if (!await this.ownerCall((token) => this.api.removeMember(this.roomId, token, id), 'room.removeFailed')) {
      return;
    }
    this.trust.forget(id);
    await this.trust.startEpoch();
    const others = [...this.chat.profiles.keys()].filter((m) => m !== id && m !== this.session.sessionId
      && this.trust.keysOf(m));
    await this.postHandovers(await this.trust.handoversFor(others));
    this.ui.messages.notice(msg('notice.youRemoved', { nick }));
  }

  async handOwnership(id) {
    await this.ownerCall((token) => this.api.handOwnership(this.roomId, token, id), 'room.handoverFailed');
  }

  sealContext(counter, epoch = this.trust.sealing.epoch) {
    const key = epoch === this.trust.sealing.epoch ? this.trust.sealing.key
      : this.trust.keyring.newestFirst().find((k) => k.epoch === epoch).key;
    return {
      roomId: this.roomId,
      sessionId: this.session.sessionId,
      counter,
      epoch,
      key,
      signKey: this.trust.own.keys.sign.privateKey,
    };
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
        ? msg('send.tooFast', { seconds })
        : msg('send.retry', { seconds }), { timeoutMs: retryMs + 1500 });
      return;
    }
    const entry = error.c !== undefined ? this.connection.drop(error.c) : undefined;
    if (entry) {
      if (composer.restore(entry.meta.text)) messages.removePending(error.c);
      else messages.markPendingFailed(error.c);
    }
    notice.show(ENVELOPE_ERRORS[error.code] ?? (error.message || msg('send.refused')));
  }

  // ---- rendering ----

  /**
   * The name a member's messages show: the nickname of their signed profile, and when another member uses the same
   * nickname, the first 4 characters of their key tag, so that nobody passes as someone else by taking their name.
   */
  authorName(id) {
    const nick = this.chat.nickOf(id);
    const tag = this.trust?.tagOf(id);
    const shared = [...this.chat.profiles.keys()].some((other) => other !== id && this.chat.nickOf(other) === nick);
    return shared && tag ? `${nick} #${tag.slice(0, 4)}` : nick;
  }

  refreshAuthors() {
    for (const id of this.chat.profiles.keys()) this.ui.messages.renameAuthor(id, this.authorName(id));
  }

  /** The people list, with who is verified and, for nicknames that two members share, their key tags. */
  renderPeople() {
    const people = this.chat.participants();
    const count = new Map();
    for (const p of people) count.set(p.nick, (count.get(p.nick) ?? 0) + 1);
    this.ui.people.setCount(people.length, this.knocks.size);
    this.ui.participants.render(people.map((p) => ({
      ...p,
      verified: this.trust?.isVerified(p.id) ?? false,
      changed: this.changedKeys.has(p.id),
      tag: count.get(p.nick) > 1 ? this.trust?.tagOf(p.id) : null,
    })));
  }

  /** Timeline notices for what MemberNotices made of an event: joins, leaves, renames, lock and knock. */
  tell(notices) {
    if (notices.length > 0) this.ui.timeline.tell(notices);
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
      this.ui.notice.show(msg('send.tooLong', { max: MAX_TEXT_CHARS, count: text.length }));
      return false;
    }
    try {
      await this.queueChat({ text, nick: this.nick, sentAt: Date.now() });
      return true;
    } catch (error) {
      if (!(error instanceof EnvelopeTooLargeError)) throw error;
      this.ui.notice.show(msg('send.tooLargeEncrypted'));
      return false;
    }
  }

  /**
   * Seals a chat payload under a fresh counter and hands it to the outbox, which sends it until acked. After a
   * member's removal it waits (shown as sending) until the owner's new epoch key arrives.
   */
  async queueChat(payload) {
    if (payload.handover) return;
    const counter = this.store.nextCounter(this.roomId, this.session, this.serverCounter);
    this.ui.messages.addPending({ c: counter, ...payload });
    if (this.trust.holding) {
      this.heldChat.push({ counter, payload });
      return;
    }
    await this.sealAndQueue({ counter, payload });
  }

  async sealAndQueue({ counter, payload }) {
    try {
      const context = this.sealContext(counter);
      const frame = payload.file
        ? await sealFileMessage(context, payload)
        : await sealChat(context, payload);
      this.connection.enqueue(counter, frame, payload);
    } catch (error) {
      this.ui.messages.removePending(counter);
      throw error;
    }
  }

  /** Sends files (picked, dropped or pasted), one after another, each announced when its upload is complete. */
  sendFiles(files) {
    if (this.closed || !this.session || this.session.admitted === false) return;
    this.files.send(files);
  }

  cancelUpload() {
    this.files.cancel();
  }

  /** Downloads and decrypts a file shown in the room. */
  openFile(file, onProgress) {
    return this.files.open(file, onProgress);
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
    const frame = await sealProfile(this.sealContext(counter), { nick, keys: this.trust.own.keys.publicKeys });
    this.profileCounter = counter;
    this.connection.sendNow(frame);
    if (this.chat.applyProfile(this.session.sessionId, counter, nick)) {
      this.tell(this.notices.profile(this.session.sessionId, nick));
      this.refreshAuthors();
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
      else this.ui.notice.show(msg('room.earlierFailed'), { timeoutMs: 8000 });
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
        this.ui.notice.show(msg('room.leaveFailed'), { timeoutMs: 8000 });
        this.ui.bar.setBusy(false);
        this.connection.start();
        return;
      }
    }
    this.dispose();
    this.forgetRoom();
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
          ? msg('room.closeOwnerOnly')
          : msg('room.closeFailed'), { timeoutMs: 8000 });
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
