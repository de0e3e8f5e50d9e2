// The call panel (#call): who is in the call, the controls (start or join, leave, microphone, camera, screen),
// the "Hide my IP address" setting, and a tile per participant with their video, name and media state. It can be
// collapsed; while tiles show it is marked active (wide screens then place it beside the chat).

import { t } from '../i18n.js';
import { byId, el } from './dom.js';

function names(list) {
  if (list.length <= 1) return list.join('');
  return `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

function statusText(m) {
  if (m.phase === 'in') {
    return m.others.length === 0
      ? 'You are in the call. Nobody else has joined yet.'
      : `You are in the call with ${names(m.others)}.`;
  }
  if (m.phase === 'joining') return 'Joining the call…';
  if (m.unavailable) {
    return 'Calls cannot be set up right now: the server did not give the connection settings. Try again in a moment.';
  }
  if (m.full) {
    return `The call is full: at most ${m.maxParticipants} people can take part, so you can join when someone leaves.`;
  }
  return m.others.length === 0 ? 'No call in this room right now.' : `A call is in progress with ${names(m.others)}.`;
}

function mediaStates({ mic, cam, screen }, connected) {
  const states = [];
  if (!connected) states.push('Connecting…');
  if (!mic) states.push('Microphone off');
  if (!cam) states.push('Camera off');
  if (screen) states.push('Sharing screen');
  return states.join(' · ');
}

function video(label, muted) {
  const node = el('video', { attrs: { 'aria-label': label } });
  node.autoplay = true;
  node.playsInline = true;
  node.muted = muted;
  return node;
}

/** Sets text only when it changed, so that live regions do not announce the same words again. */
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function setSource(node, stream) {
  if (node.srcObject !== stream) node.srcObject = stream;
  node.hidden = stream === null;
}

export function createCallView({ onJoin, onLeave, onMic, onCamera, onScreen, onHideIp }) {
  const status = byId('call-status');
  const relayNote = byId('call-relay');
  const error = byId('call-error');
  const joinButton = byId('call-join');
  const leaveButton = byId('call-leave');
  const micButton = byId('call-mic');
  const cameraButton = byId('call-camera');
  const screenButton = byId('call-screen');
  const hideIp = byId('call-hide-ip');
  const tiles = byId('call-tiles');
  const panel = byId('call');
  const collapse = byId('call-collapse');
  let collapsed = false;

  /** A collapsed call keeps its status and buttons; its tiles and settings fold away, the chat gets the room. */
  function setCollapsed(next) {
    collapsed = next;
    panel.toggleAttribute('data-collapsed', collapsed);
    collapse.setAttribute('aria-expanded', String(!collapsed));
    collapse.textContent = t(collapsed ? 'layout.callExpand' : 'layout.callCollapse');
  }
  collapse.addEventListener('click', () => setCollapsed(!collapsed));
  const relayText = relayNote.textContent.replace(/\s+/g, ' ').trim();
  const shown = new Map(); // sessionId (or '' for oneself) -> { root, camera, screen, name, state }

  joinButton.addEventListener('click', () => onJoin());
  leaveButton.addEventListener('click', () => onLeave());
  micButton.addEventListener('click', () => onMic());
  cameraButton.addEventListener('click', () => onCamera());
  screenButton.addEventListener('click', () => onScreen());
  hideIp.addEventListener('change', () => onHideIp(hideIp.checked));

  function tile(id, nick) {
    let t = shown.get(id);
    if (!t) {
      const self = id === '';
      t = {
        camera: video(self ? 'Your camera' : `Camera of ${nick}`, self),
        screen: video(self ? 'Your shared screen' : `Screen shared by ${nick}`, true),
        name: el('span', { className: 'tile-name' }),
        state: el('span', { className: 'tile-state' }),
      };
      t.screen.classList.add('screen');
      t.root = el('figure', { className: self ? 'call-tile self' : 'call-tile' },
        t.camera, t.screen, el('figcaption', {}, t.name, t.state));
      if (!self) t.root.dataset.sessionId = id;
      shown.set(id, t);
    }
    return t;
  }

  function renderTile(id, { nick, camera, screen, media, connected }) {
    const t = tile(id, nick);
    setText(t.name, nick);
    t.camera.setAttribute('aria-label', id === '' ? 'Your camera' : `Camera of ${nick}`);
    t.screen.setAttribute('aria-label', id === '' ? 'Your shared screen' : `Screen shared by ${nick}`);
    setSource(t.camera, camera);
    t.camera.classList.toggle('off', !media.cam);
    setSource(t.screen, screen);
    setText(t.state, mediaStates(media, connected));
    t.root.classList.toggle('muted', !media.mic);
    return t.root;
  }

  function renderTiles(m) {
    if (m.phase !== 'in') {
      clearTiles();
      return;
    }
    const nodes = [renderTile('', {
      nick: 'You',
      camera: m.self.stream,
      screen: m.self.screen,
      media: { mic: m.self.mic, cam: m.self.cam, screen: m.self.screen !== null },
      connected: true,
    })];
    const keep = new Set(['']);
    for (const t of m.tiles) {
      nodes.push(renderTile(t.id, t));
      keep.add(t.id);
    }
    for (const [id, t] of shown) {
      if (!keep.has(id)) removeTile(id, t);
    }
    // Only move what is out of place: a video element taken out of the page stops playing.
    nodes.forEach((node, i) => {
      if (tiles.children[i] !== node) tiles.insertBefore(node, tiles.children[i] ?? null);
    });
    tiles.hidden = false;
    panel.toggleAttribute('data-active', true);
  }

  function removeTile(id, t) {
    t.camera.srcObject = null;
    t.screen.srcObject = null;
    t.root.remove();
    shown.delete(id);
  }

  function clearTiles() {
    for (const [id, t] of shown) removeTile(id, t);
    tiles.replaceChildren();
    tiles.hidden = true;
    panel.toggleAttribute('data-active', false);
  }

  function render(m) {
    const idle = m.phase === 'idle';
    const inCall = m.phase === 'in';
    setText(status, statusText(m));

    relayNote.hidden = m.relay !== false;
    setText(relayNote, m.hideIp && idle
      ? `${relayText} To join, untick “Hide my IP address from other participants”.`
      : relayText);

    setText(error, m.error);
    error.hidden = m.error === '';

    joinButton.hidden = inCall;
    setText(joinButton, m.others.length === 0 ? 'Start call' : 'Join call');
    joinButton.disabled = !idle || !m.available || m.full || (m.hideIp && m.relay === false);

    leaveButton.hidden = !inCall;
    micButton.hidden = !inCall;
    setText(micButton, m.self.mic ? 'Mute microphone' : 'Unmute microphone');
    micButton.disabled = !m.self.hasMic;
    cameraButton.hidden = !inCall;
    setText(cameraButton, m.self.cam ? 'Turn camera off' : 'Turn camera on');
    screenButton.hidden = !inCall || !m.self.canShare;
    setText(screenButton, m.self.screen ? 'Stop sharing' : 'Share screen');

    hideIp.checked = m.hideIp;
    hideIp.disabled = !idle;

    renderTiles(m);
  }

  return {
    render,
    /** Back to "no call" (leaving the room, or entering another). */
    reset() {
      clearTiles();
      setCollapsed(false);
      render({
        phase: 'idle', available: false, unavailable: false, relay: null, maxParticipants: null, full: false,
        hideIp: hideIp.checked, others: [], tiles: [], error: '',
        self: { stream: null, screen: null, mic: false, cam: false, hasMic: false, canShare: false },
      });
    },
  };
}
