// Entry point: routes between the landing view and a room. An invite link carries the room code in its
// fragment (never sent to the server); the page reads it once and takes it out of the address bar and the
// tab's history at once (replaceState), and never writes a code into the URL itself. The room this tab is
// in, and its session, live in sessionStorage (session-store.js): a reload re-enters the room, and closing
// the tab forgets it.

import { ApiError, createApi } from './api.js';
import { deriveRoomId } from './crypto.js';
import { describeDownloadError } from './files/file-errors.js';
import { initialLanguage, localizeDocument, msg, onLanguageChange, setLanguage } from './i18n.js';
import { randomNickname } from './nickname.js';
import { MAX_TEXT_CHARS } from './protocol.js';
import { Room } from './room.js';
import { formatCode, generateCode, parseCode, parseCodeOrLink } from './roomcode.js';
import { SessionStore } from './session-store.js';
import { createTabSessions } from './tab-sessions.js';
import { eraseAll, onRepeatedEscape, sweepKeys, sweepStale } from './traces.js';
import { createAttach } from './views/attach.js';
import { createAttention } from './views/attention.js';
import { createComposer } from './views/composer.js';
import { createCallView } from './views/call-view.js';
import { byId } from './views/dom.js';
import { createGoneView } from './views/gone.js';
import { createLanguagePicker } from './views/language-picker.js';
import { createLandingView } from './views/landing.js';
import { createMessageList } from './views/messages.js';
import { createNotice } from './views/notice.js';
import { createMemberDialog } from './views/member-dialog.js';
import { createOwnerControls } from './views/owner-controls.js';
import { createParticipantList } from './views/participants.js';
import { createPeopleDrawer } from './views/people-drawer.js';
import { createQrDialog } from './views/qr-dialog.js';
import { createRoomBar } from './views/room-bar.js';
import { createTimelineNotices } from './views/timeline-notices.js';
import { createWaitingView } from './views/waiting.js';
import { createKeyStore } from './trust/member-keys.js';

setLanguage(initialLanguage());
localizeDocument(document);
onLanguageChange(() => localizeDocument(document));
const languagePicker = createLanguagePicker();

const api = createApi();
const store = new SessionStore();
const tabs = createTabSessions();
const keyStore = createKeyStore();
const roomSection = byId('room');
let room = null;
let focusOnEnter = false;
let erasing = false;
let addressHeldCode = false; // this page's address held a fragment (an invite link) at some time: see showIcon

const notice = createNotice();
const landing = createLandingView({ onCreate: createRoom, onJoin: joinRoom });
const gone = createGoneView({ onBack: () => showLanding() });
const messages = createMessageList({
  onLoadEarlier: () => room?.loadEarlier(),
  onDownload: (file, onProgress) => (room ? room.openFile(file, onProgress) : Promise.reject(new Error('no room'))),
  describeDownloadError,
});
const qrDialog = createQrDialog();
const ui = {
  notice,
  bar: createRoomBar({
    onCopyInvite: () => room?.copyInvite(),
    onShowQr: (opener) => room && qrDialog.show(room.inviteLink, opener),
    onLeave: () => room?.leave(),
    onClose: () => room?.close(),
    onLeaveNoTrace: () => leaveNoTrace(),
  }),
  messages,
  attach: createAttach({ onFiles: (files) => room?.sendFiles(files), onCancel: () => room?.cancelUpload() }),
  timeline: createTimelineNotices(messages),
  participants: createParticipantList({ onOpen: (id) => room?.openMember(id) }),
  members: createMemberDialog({
    onVerified: (id, verified) => room?.setVerified(id, verified),
    onRemove: (id) => room?.removeMember(id),
    onMakeOwner: (id) => room?.handOwnership(id),
  }),
  owner: createOwnerControls({
    onLock: (locked) => room?.updateSettings({ locked }),
    onKnock: (knock) => room?.updateSettings({ knock }),
    onAdmit: (id) => room?.admit(id),
    onRefuse: (id) => room?.refuse(id),
  }),
  waiting: createWaitingView(),
  people: createPeopleDrawer(),
  attention: createAttention({ mayChangeIcon: () => !addressHeldCode }),
  composer: createComposer({
    maxChars: MAX_TEXT_CHARS,
    onSend: async (text) => (room ? room.send(text) : false),
    onTyping: () => room?.typing(),
    onNickname: (nick) => room?.rename(nick),
  }),
  call: createCallView({
    onJoin: () => room?.call.join(),
    onLeave: () => room?.call.leave(),
    onMic: () => room?.call.toggleMic(),
    onCamera: () => room?.call.toggleCamera(),
    onScreen: () => room?.call.toggleScreen(),
    onHideIp: (on) => room?.call.setHideIp(on),
    onDevice: (kind, id) => room?.call.chooseDevice(kind, id),
    onVoiceOnly: (on) => room?.call.setVoiceOnly(on),
    onCheck: () => room?.call.startCheck(),
    onCheckClose: () => room?.call.stopCheck(),
  }),
};

function closeRoom() {
  qrDialog.close();
  if (room) room.dispose();
  room = null;
  ui.people.close();
  ui.attention.reset();
}

/**
 * Takes the fragment out of the address bar and this history entry. Returns the code it held (16 bytes),
 * 'invalid' for a fragment that is not a room code, or null when there was none.
 */
function takeFragment() {
  const { hash, pathname, search } = globalThis.location;
  if (!hash) return null;
  globalThis.history.replaceState(null, '', pathname + search);
  let fragment;
  try {
    fragment = decodeURIComponent(hash.slice(1));
  } catch {
    return 'invalid';
  }
  if (!fragment) return null;
  return parseCode(fragment) ?? 'invalid';
}

function showLanding(message) {
  closeRoom();
  store.clearCurrent();
  roomSection.hidden = true;
  languagePicker.place(false);
  gone.hide();
  landing.show();
  if (message) notice.show(message);
  else notice.clear();
}

function showGone(text) {
  ui.people.close();
  ui.attention.reset();
  qrDialog.close();
  store.clearCurrent();
  roomSection.hidden = true;
  languagePicker.place(false);
  landing.hide();
  notice.clear();
  gone.show(text);
}

function enterRoom(codeBytes, nick = '') {
  if (room && room.formatted === formatCode(codeBytes)) return;
  closeRoom();
  store.setCurrent(formatCode(codeBytes));
  landing.hide();
  landing.reset();
  gone.hide();
  notice.clear();
  ui.messages.clear();
  ui.participants.render([]);
  ui.people.setCount(0);
  ui.composer.clear();
  ui.call.reset();
  ui.members.close();
  ui.owner.setOwner(false);
  ui.owner.setSettings({ locked: false, knock: false, sealed: false });
  ui.owner.setKnocks([]);
  ui.waiting.hide();
  roomSection.hidden = false;
  languagePicker.place(true);
  room = new Room({
    codeBytes, api, store, ui, nick, tabs, keyStore,
    onGone: showGone,
    onExit: (message) => showLanding(message),
  });
  const entering = room;
  entering.enter().then(() => {
    if (focusOnEnter && room === entering) ui.composer.focus();
    focusOnEnter = false;
  }, () => {
    if (room === entering) showLanding(msg('error.enter'));
  });
}

/** An invite link was opened (in a new tab, or pasted into this one): enter its room. */
function openLink() {
  if (globalThis.location.hash) {
    // A link pasted into a tab that showed Sotto's icon: put the empty icon back (best effort; Chromium may already
    // have filed the icon under the link's address, as it files the link in its history).
    if (!addressHeldCode) hideIcon();
    addressHeldCode = true;
  }
  const code = takeFragment();
  if (code === 'invalid') {
    showLanding();
    landing.showError(msg('landing.link.invalid'));
  } else if (code) {
    enterRoom(code);
  }
  return code;
}

/**
 * "Leave no trace" (or Escape three times): leaves the room (its owner thereby closes it), erases all
 * Sotto keeps in this browser, and replaces the page with a blank one, so that Back does not lead to it.
 */
async function leaveNoTrace() {
  if (erasing) return;
  erasing = true;
  const leaving = room;
  room = null;
  // The room stops at once (before anything else can write to storage); the leave request goes on meanwhile.
  const left = leaving ? leaving.leaveWithoutTrace() : Promise.resolve();
  document.body.replaceChildren();
  globalThis.history.replaceState(null, '', globalThis.location.pathname);
  await eraseAll();
  await left;
  globalThis.location.replace('about:blank');
}

function describe(error) {
  if (error instanceof ApiError) {
    if (error.status === 0) return msg('error.unreachable');
    if (error.status === 429) return msg('error.tooManyRequests', { seconds: error.retryAfterSeconds ?? 60 });
  }
  return msg('landing.create.failed');
}

async function createRoom() {
  landing.setBusy(true);
  notice.clear();
  try {
    const codeBytes = generateCode();
    const roomId = await deriveRoomId(codeBytes);
    const grant = await api.createRoom(roomId);
    store.save(roomId, { ...grant, counter: 0 });
    focusOnEnter = true;
    enterRoom(codeBytes, randomNickname());
  } catch (error) {
    notice.show(describe(error));
  } finally {
    landing.setBusy(false);
  }
}

function joinRoom(text) {
  notice.clear();
  const codeBytes = parseCodeOrLink(text);
  if (!codeBytes) {
    landing.showError(text.trim() === ''
      ? msg('landing.join.empty')
      : msg('landing.join.invalid'));
    return;
  }
  focusOnEnter = true;
  enterRoom(codeBytes);
}

/**
 * Sotto's icon, shown only on a page whose address never held a code: Chromium files a page's icon under every
 * address the page has had (its Favicons database), even after the code left the address bar, so a page opened
 * from an invite link keeps the empty icon of the HTML, and its unread count shows in the title only
 * (BrowserTracesBrowserIT reads that file).
 */
function showIcon() {
  const icon = document.querySelector('link[rel="icon"]');
  icon.type = 'image/svg+xml';
  icon.setAttribute('href', 'icons/icon.svg');
}

function hideIcon() {
  const icon = document.querySelector('link[rel="icon"]');
  icon.removeAttribute('type');
  icon.setAttribute('href', 'data:,');
}

async function start() {
  store.adoptLegacy(globalThis.localStorage);
  let code = openLink();
  if (!addressHeldCode) showIcon();
  if (!code) {
    code = parseCode(store.currentCode() ?? '');
    if (code) enterRoom(code);
    else landing.show();
  }
  const current = code && code !== 'invalid' ? await deriveRoomId(code) : null;
  const keep = current ? store.load(current)?.sessionId ?? null : null;
  sweepStale(store, current);
  await sweepKeys(keyStore, tabs, keep);
}

globalThis.addEventListener('hashchange', () => openLink());
globalThis.addEventListener('online', () => room?.nudge());
// An Escape that closes the people drawer does not count towards leaving without a trace.
onRepeatedEscape(document, { when: () => room !== null && !roomSection.hidden && !ui.people.isOpen() },
  () => leaveNoTrace());
start();
