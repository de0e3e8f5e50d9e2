// Entry point: routes between the landing view and a room. The URL fragment carries the room code
// (it never reaches the server); the session for each room lives in localStorage keyed by room ID.

import { ApiError, createApi } from './api.js';
import { deriveRoomId } from './crypto.js';
import { randomNickname } from './nickname.js';
import { MAX_TEXT_CHARS } from './protocol.js';
import { Room } from './room.js';
import { formatCode, generateCode, parseCode, parseCodeOrLink } from './roomcode.js';
import { SessionStore } from './session-store.js';
import { createComposer } from './views/composer.js';
import { createCallView } from './views/call-view.js';
import { byId } from './views/dom.js';
import { createGoneView } from './views/gone.js';
import { createLandingView } from './views/landing.js';
import { createMessageList } from './views/messages.js';
import { createNotice } from './views/notice.js';
import { createParticipantList } from './views/participants.js';
import { createRoomBar } from './views/room-bar.js';

const api = createApi();
const store = new SessionStore();
const roomSection = byId('room');
let room = null;
let focusOnEnter = false;

const notice = createNotice();
const landing = createLandingView({ onCreate: createRoom, onJoin: joinRoom });
const gone = createGoneView({ onBack: () => showLanding() });
const ui = {
  notice,
  bar: createRoomBar({
    onCopyInvite: () => room?.copyInvite(),
    onLeave: () => room?.leave(),
    onClose: () => room?.close(),
  }),
  messages: createMessageList({ onLoadEarlier: () => room?.loadEarlier() }),
  participants: createParticipantList(),
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
  }),
};

function closeRoom() {
  if (room) room.dispose();
  room = null;
}

function clearFragment() {
  if (globalThis.location.hash) {
    globalThis.history.replaceState(null, '', globalThis.location.pathname + globalThis.location.search);
  }
}

function showLanding(message) {
  closeRoom();
  clearFragment();
  roomSection.hidden = true;
  gone.hide();
  landing.show();
  if (message) notice.show(message);
  else notice.clear();
}

function showGone(text) {
  roomSection.hidden = true;
  landing.hide();
  notice.clear();
  gone.show(text);
}

function enterRoom(codeBytes) {
  closeRoom();
  landing.hide();
  landing.reset();
  gone.hide();
  notice.clear();
  ui.messages.clear();
  ui.participants.render([]);
  ui.composer.clear();
  ui.call.reset();
  roomSection.hidden = false;
  room = new Room({
    codeBytes, api, store, ui,
    onGone: showGone,
    onExit: (message) => showLanding(message),
  });
  const entering = room;
  entering.enter().then(() => {
    if (focusOnEnter && room === entering) ui.composer.focus();
    focusOnEnter = false;
  }, () => {
    if (room === entering) showLanding('Something went wrong while entering the room.');
  });
}

function route() {
  let fragment;
  try {
    fragment = decodeURIComponent(globalThis.location.hash.slice(1));
  } catch {
    fragment = '#';
  }
  if (!fragment) {
    if (room) showLanding();
    else landing.show();
    return;
  }
  const codeBytes = parseCode(fragment);
  if (!codeBytes) {
    showLanding();
    landing.showError('This link does not contain a valid room code.');
    return;
  }
  if (room && room.formatted === formatCode(codeBytes)) return;
  enterRoom(codeBytes);
}

function openFragment(formatted) {
  focusOnEnter = true;
  if (globalThis.location.hash.slice(1) === formatted) route();
  else globalThis.location.hash = formatted;
}

function describe(error) {
  if (error instanceof ApiError) {
    if (error.status === 0) return 'The server cannot be reached. Check your connection and try again.';
    if (error.status === 429) {
      const wait = error.retryAfterSeconds ?? 60;
      return `Too many requests right now; try again in ${wait} s.`;
    }
  }
  return 'The room could not be created. Please try again.';
}

async function createRoom() {
  landing.setBusy(true);
  notice.clear();
  try {
    const codeBytes = generateCode();
    const roomId = await deriveRoomId(codeBytes);
    const grant = await api.createRoom(roomId);
    store.save(roomId, { ...grant, counter: 0, nick: randomNickname() });
    openFragment(formatCode(codeBytes));
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
      ? 'Enter a room code or paste an invite link.'
      : 'That is not a valid room code. A code has 26 letters and digits, like 7F3K-9QXB-…; check it and try again.');
    return;
  }
  openFragment(formatCode(codeBytes));
}

globalThis.addEventListener('hashchange', route);
globalThis.addEventListener('online', () => room?.nudge());
route();
