// The notice shown instead of the room when it no longer exists (#room-gone).

import { setText } from '../i18n.js';
import { byId } from './dom.js';

export function createGoneView({ onBack }) {
  const section = byId('room-gone');
  const text = byId('room-gone-text');
  const back = byId('back-home');
  back.addEventListener('click', () => onBack());
  return {
    show(message) {
      setText(text, message);
      section.hidden = false;
      back.focus();
    },
    hide() {
      section.hidden = true;
      setText(text, '');
    },
  };
}
