// The landing view: "Create room", and "Join room" with a room code or invite link.

import { setText } from '../i18n.js';
import { byId } from './dom.js';

export function createLandingView({ onCreate, onJoin }) {
  const section = byId('landing');
  const createButton = byId('create-room');
  const form = byId('join-form');
  const input = byId('room-code');
  const error = byId('room-code-error');
  const joinButton = form.querySelector('button[type="submit"]');

  createButton.addEventListener('click', () => onCreate());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onJoin(input.value);
  });
  input.addEventListener('input', () => clearError());

  function clearError() {
    setText(error, '');
    error.hidden = true;
    input.removeAttribute('aria-invalid');
  }

  return {
    show() {
      section.hidden = false;
    },
    hide() {
      section.hidden = true;
    },
    showError(text) {
      setText(error, text);
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    },
    clearError,
    setBusy(busy) {
      createButton.disabled = busy;
      joinButton.disabled = busy;
    },
    reset() {
      input.value = '';
      clearError();
    },
  };
}
