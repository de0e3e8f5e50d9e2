// The call panel (#call): who is in the call, the controls (start or join, leave, microphone, camera, screen),
// the "Hide my IP address" setting, the devices (call-devices-view.js), and a tile per participant with their
// video, name, media state and how their connection runs. It can be collapsed; while tiles show it is marked active
// (wide screens then place it beside the chat).

import { formatList, msg, onLanguageChange, setName, setText, t } from '../i18n.js';
import { createCallDevicesView } from './call-devices-view.js';
import { byId, el } from './dom.js';

function statusText(m) {
  if (m.phase === 'in') {
    return m.others.length === 0
      ? t('call.status.alone')
      : t('call.status.with', { names: formatList(m.others) });
  }
  if (m.phase === 'joining') return t('call.status.joining');
  if (m.unavailable) return t('call.status.unavailable');
  if (m.full) return t('call.status.full', { max: m.maxParticipants });
  return m.others.length === 0 ? t('call.status.none') : t('call.status.inProgress', { names: formatList(m.others) });
}

function mediaStates({ mic, cam, screen }, connected, reconnecting) {
  const states = [];
  if (!connected) states.push(t(reconnecting ? 'call.reconnecting' : 'call.connecting'));
  if (!mic) states.push(t('call.micOff'));
  if (!cam) states.push(t('call.camOff'));
  if (screen) states.push(t('call.sharing'));
  return states.join(' · ');
}

/** "Direct" or "Through the relay", and how well: from the call's look at the connection's statistics. */
function linkText(link) {
  if (!link) return '';
  const parts = [];
  if (link.path === 'direct') parts.push(t('call.link.direct'));
  if (link.path === 'relay') parts.push(t('call.link.relay'));
  if (link.quality === 'good') parts.push(t('call.quality.good'));
  if (link.quality === 'fair') parts.push(t('call.quality.fair'));
  if (link.quality === 'poor') parts.push(t('call.quality.poor'));
  return parts.join(' · ');
}

function video(label, muted) {
  const node = el('video', { attrs: { 'aria-label': label } });
  node.autoplay = true;
  node.playsInline = true;
  node.muted = muted;
  return node;
}

function setSource(node, stream) {
  if (node.srcObject !== stream) node.srcObject = stream;
  node.hidden = stream === null;
}

export function createCallView({
  onJoin, onLeave, onMic, onCamera, onScreen, onHideIp, onDevice, onVoiceOnly, onCheck, onCheckClose,
}) {
  const devices = createCallDevicesView({
    onDevice, onVoiceOnly, onCheck, onCheckClose,
  });
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
  // The status and the relay note are this view's from now on, not the static page's.
  delete status.dataset.i18n;
  delete relayNote.dataset.i18n;
  let last = null; // the model shown last, shown again in another language
  const panel = byId('call');
  const collapse = byId('call-collapse');
  let collapsed = false;

  /** A collapsed call keeps its status and buttons; its tiles and settings fold away, the chat gets the room. */
  function setCollapsed(next) {
    collapsed = next;
    panel.toggleAttribute('data-collapsed', collapsed);
    collapse.setAttribute('aria-expanded', String(!collapsed));
    setText(collapse, msg(collapsed ? 'layout.callExpand' : 'layout.callCollapse'));
  }
  collapse.addEventListener('click', () => setCollapsed(!collapsed));
  const shown = new Map(); // sessionId (or '' for oneself) -> { root, camera, screen, name, state }

  joinButton.addEventListener('click', () => onJoin());
  leaveButton.addEventListener('click', () => onLeave());
  micButton.addEventListener('click', () => onMic());
  cameraButton.addEventListener('click', () => onCamera());
  screenButton.addEventListener('click', () => onScreen());
  hideIp.addEventListener('change', () => onHideIp(hideIp.checked));

  function tile(id, nick) {
    let entry = shown.get(id);
    if (!entry) {
      const self = id === '';
      entry = {
        camera: video(self ? t('call.yourCamera') : t('call.cameraOf', { nick }), self),
        // Another's shared screen may carry its audio: heard, unlike one's own.
        screen: video(self ? t('call.yourScreen') : t('call.screenOf', { nick }), self),
        name: el('span', { className: 'tile-name' }),
        state: el('span', { className: 'tile-state' }),
        link: el('span', { className: 'tile-link' }),
      };
      entry.screen.classList.add('screen');
      entry.root = el('figure', { className: self ? 'call-tile self' : 'call-tile' },
        entry.camera, entry.screen, el('figcaption', {}, entry.name, entry.state, entry.link));
      if (!self) entry.root.dataset.sessionId = id;
      shown.set(id, entry);
    }
    return entry;
  }

  function renderTile(id, {
    nick, camera, screen, media, connected, link = null, reconnecting = false,
  }) {
    const entry = tile(id, nick);
    setText(entry.name, nick);
    entry.camera.setAttribute('aria-label', id === '' ? t('call.yourCamera') : t('call.cameraOf', { nick }));
    entry.screen.setAttribute('aria-label', id === '' ? t('call.yourScreen') : t('call.screenOf', { nick }));
    setSource(entry.camera, camera);
    entry.camera.classList.toggle('off', !media.cam);
    setSource(entry.screen, screen);
    setText(entry.state, mediaStates(media, connected, reconnecting));
    setText(entry.link, linkText(link));
    entry.link.hidden = entry.link.textContent === '';
    entry.root.classList.toggle('muted', !media.mic);
    return entry.root;
  }

  function renderTiles(m) {
    if (m.phase !== 'in') {
      clearTiles();
      return;
    }
    const nodes = [renderTile('', {
      nick: t('call.you'),
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
    last = m;
    const idle = m.phase === 'idle';
    const inCall = m.phase === 'in';
    setText(status, statusText(m));

    relayNote.hidden = m.relay !== false;
    setText(relayNote, m.hideIp && idle ? `${t('call.relay')} ${t('call.relay.untick')}` : t('call.relay'));

    setText(error, String(m.error ?? ''));
    error.hidden = error.textContent === '';

    joinButton.hidden = inCall;
    setName(joinButton, m.others.length === 0 ? 'call.start' : 'call.join');
    joinButton.disabled = !idle || !m.available || m.full || (m.hideIp && m.relay === false);

    leaveButton.hidden = !inCall;
    micButton.hidden = !inCall;
    setName(micButton, m.self.mic ? 'call.mute' : 'call.unmute');
    micButton.disabled = !m.self.hasMic;
    cameraButton.hidden = !inCall;
    setName(cameraButton, m.self.cam ? 'call.cameraOff' : 'call.cameraOn');
    screenButton.hidden = !inCall || !m.self.canShare;
    setName(screenButton, m.self.screen ? 'call.stopSharing' : 'call.share');

    hideIp.checked = m.hideIp;
    hideIp.disabled = !idle;

    devices.render(m);
    renderTiles(m);
  }

  onLanguageChange(() => {
    if (last) render(last);
  });

  return {
    render,
    level: devices.level,
    /** Back to "no call" (leaving the room, or entering another). */
    reset() {
      clearTiles();
      setCollapsed(false);
      render({
        phase: 'idle', available: false, unavailable: false, relay: null, maxParticipants: null, full: false,
        hideIp: hideIp.checked, others: [], tiles: [], error: '',
        devices: {
          mics: [], cams: [], micId: '', camId: '', voiceOnly: byId('call-voice-only').checked,
        },
        check: { open: false, stream: null, failed: false },
        self: { stream: null, screen: null, mic: false, cam: false, hasMic: false, canShare: false },
      });
    },
  };
}
