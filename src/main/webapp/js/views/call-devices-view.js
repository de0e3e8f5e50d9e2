// The call panel's device settings: the microphone and camera lists, "Join without camera", and the check before a
// call (a camera preview and a microphone level meter). Only renders; the call (call/call.js) decides.

import { onLanguageChange, t } from '../i18n.js';
import { byId, el } from './dom.js';

/** Options of a device select: the default one first, then the listed devices (numbered while unnamed). */
function fillSelect(select, options, selected, defaultLabel, unnamed) {
  const wanted = [{ id: '', label: defaultLabel }, ...options.map((o, i) => ({
    id: o.id, label: o.label || unnamed(i + 1),
  }))];
  const same = select.options.length === wanted.length
    && wanted.every((w, i) => select.options[i].value === w.id && select.options[i].textContent === w.label);
  if (!same) select.replaceChildren(...wanted.map((w) => el('option', { text: w.label, attrs: { value: w.id } })));
  select.value = wanted.some((w) => w.id === selected) ? selected : '';
}

export function createCallDevicesView({
  onDevice, onVoiceOnly, onCheck, onCheckClose,
}) {
  const mic = byId('call-mic-device');
  const camera = byId('call-camera-device');
  const voiceOnly = byId('call-voice-only');
  const checkButton = byId('call-check');
  const panel = byId('call-check-panel');
  const preview = byId('call-check-video');
  const meter = byId('call-check-level');
  const meterLabel = byId('call-check-level-label');
  const checkStatus = byId('call-check-status');
  const closeButton = byId('call-check-close');
  let last = null;

  mic.addEventListener('change', () => onDevice('audio', mic.value));
  camera.addEventListener('change', () => onDevice('video', camera.value));
  voiceOnly.addEventListener('change', () => onVoiceOnly(voiceOnly.checked));
  checkButton.addEventListener('click', () => onCheck());
  closeButton.addEventListener('click', () => onCheckClose());

  /** @param m  the call model: phase, devices { mics, cams, micId, camId, voiceOnly }, check { open, stream, failed } */
  function render(m) {
    last = m;
    const idle = m.phase === 'idle';
    const d = m.devices;
    fillSelect(mic, d.mics, d.micId, t('call.device.defaultMic'), (n) => t('call.device.micN', { n }));
    fillSelect(camera, d.cams, d.camId, t('call.device.defaultCamera'), (n) => t('call.device.cameraN', { n }));
    voiceOnly.checked = d.voiceOnly;
    voiceOnly.disabled = !idle;

    const { check } = m;
    checkButton.hidden = !idle || check.open;
    panel.hidden = !check.open;
    const stream = check.open ? check.stream : null;
    if (preview.srcObject !== stream) preview.srcObject = stream;
    preview.hidden = stream === null || stream.getVideoTracks().length === 0;
    meter.hidden = stream === null || stream.getAudioTracks().length === 0;
    meterLabel.hidden = meter.hidden;
    let note = '';
    if (check.failed) note = t('call.check.failed');
    else if (stream === null) note = t('call.check.opening');
    else if (stream.getAudioTracks().length === 0) note = t('call.check.noMic');
    else if (stream.getVideoTracks().length === 0 && !d.voiceOnly) note = t('call.check.noCamera');
    checkStatus.textContent = note;
    checkStatus.hidden = note === '';
  }

  onLanguageChange(() => {
    if (last) render(last);
  });

  return {
    render,
    /** The microphone's level in the check, 0..1 (a <meter>'s value: no inline style needed). */
    level(value) {
      meter.value = value;
      meter.textContent = `${Math.round(value * 100)} %`;
    },
  };
}
