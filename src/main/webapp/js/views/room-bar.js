// The room's header: its code, connection status, invite link copying and its QR code, and leave / close / leave-no-trace controls.

import { msg, setText } from '../i18n.js';
import { byId } from './dom.js';

const STATUS_TEXT = {
  connecting: 'room.status.connecting',
  connected: 'room.status.connected',
  reconnecting: 'room.status.reconnecting',
  stopped: 'room.status.stopped',
  closed: 'room.status.closed',
};

export function createRoomBar({ onCopyInvite, onShowQr, onLeave, onClose, onLeaveNoTrace }) {
  const code = byId('room-code-display');
  const status = byId('status');
  const copyButton = byId('copy-invite');
  const qrButton = byId('show-qr');
  const leaveButton = byId('leave-room');
  const closeButton = byId('close-room');
  const tracelessButton = byId('leave-no-trace');
  const feedback = byId('copy-feedback');
  const fallback = byId('invite-fallback');
  const fallbackInput = byId('invite-link');
  const dialog = byId('close-dialog');
  let feedbackTimer = null;

  copyButton.addEventListener('click', () => onCopyInvite());
  qrButton.addEventListener('click', () => onShowQr(qrButton));
  leaveButton.addEventListener('click', () => onLeave());
  closeButton.addEventListener('click', () => onClose());
  tracelessButton.addEventListener('click', () => onLeaveNoTrace());

  function setFeedback(text) {
    if (feedbackTimer !== null) clearTimeout(feedbackTimer);
    setText(feedback, text);
    feedbackTimer = setTimeout(() => {
      setText(feedback, '');
      feedbackTimer = null;
    }, 6000);
  }

  return {
    setCode(formatted) {
      code.textContent = formatted;
      fallback.hidden = true;
      fallbackInput.value = '';
      setText(feedback, '');
    },
    setStatus(state) {
      setText(status, STATUS_TEXT[state] ? msg(STATUS_TEXT[state]) : state);
      status.dataset.state = state;
    },
    /** owner: true → "Close room"; false → "Leave room"; null → neither (not known yet). */
    setOwner(owner) {
      closeButton.hidden = owner !== true;
      leaveButton.hidden = owner !== false;
    },
    setBusy(busy) {
      closeButton.disabled = busy;
      leaveButton.disabled = busy;
    },
    showCopied() {
      fallback.hidden = true;
      setFeedback(msg('room.copied'));
    },
    /** The clipboard is not available: show the link selected so that it can be copied by hand. */
    showCopyFallback(link) {
      fallbackInput.value = link;
      fallback.hidden = false;
      fallbackInput.focus();
      fallbackInput.select();
      setFeedback(msg('room.copyFallback'));
    },
    /** Asks for confirmation in a modal dialog; resolves true when confirmed. */
    confirmClose() {
      return new Promise((resolve) => {
        dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
        dialog.returnValue = '';
        dialog.showModal();
      });
    },
  };
}
