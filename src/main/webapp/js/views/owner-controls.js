// The owner's room settings (#owner-controls): "Lock room", "Newcomers knock", and the people waiting to enter,
// each with their nickname, member code, "Admit" and "Refuse". Everyone else sees the room's state in the header.

import { onLanguageChange, t } from '../i18n.js';
import { byId, el } from './dom.js';

export function createOwnerControls({ onLock, onKnock, onAdmit, onRefuse }) {
  const section = byId('owner-controls');
  const lock = byId('lock-room');
  const knock = byId('knock-room');
  const knocks = byId('knocks');
  const list = byId('knock-list');
  const state = byId('room-state');

  lock.addEventListener('change', () => onLock(lock.checked));
  knock.addEventListener('change', () => onKnock(knock.checked));
  list.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const id = button.closest('li').dataset.sessionId;
    button.disabled = true;
    if (button.dataset.action === 'admit') onAdmit(id);
    else onRefuse(id);
  });

  let shownState = { locked: false, knocking: false };
  function showState() {
    const parts = [];
    if (shownState.locked) parts.push(t('room.state.locked'));
    if (shownState.knocking) parts.push(t('room.state.knock'));
    state.textContent = parts.join(' · ');
    state.hidden = parts.length === 0;
  }
  onLanguageChange(showState);

  return {
    setOwner(owner) {
      section.hidden = !owner;
    },
    /** settings: { locked, knock, sealed } */
    setSettings({ locked, knock: knocking, sealed }) {
      lock.checked = locked;
      knock.checked = knocking || sealed;
      knock.disabled = sealed;
      shownState = { locked, knocking: knocking || sealed };
      showState();
    },
    /** waiting: [{ id, nick, code }] */
    setKnocks(waiting) {
      knocks.hidden = waiting.length === 0;
      list.replaceChildren(...waiting.map((w) => el('li', { className: 'knock', dataset: { sessionId: w.id } },
        el('span', { className: 'knock-name', text: w.nick }),
        el('code', { className: 'member-code', text: w.code }),
        el('button', {
          text: t('owner.admit'), dataset: { i18n: 'owner.admit' }, attrs: { type: 'button', 'data-action': 'admit' },
        }),
        el('button', {
          className: 'danger', text: t('owner.refuse'), dataset: { i18n: 'owner.refuse' },
          attrs: { type: 'button', 'data-action': 'refuse' },
        }))));
    },
  };
}
