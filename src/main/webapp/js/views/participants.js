// The participant list (#participants): nickname, online state, owner badge, which one is you, whom the person
// verified, and, when two people use the same nickname, their key tags. A name opens the member's details.

import { onLanguageChange, t } from '../i18n.js';
import { byId, el } from './dom.js';

export function createParticipantList({ onOpen = () => {} } = {}) {
  const list = byId('participants');
  list.addEventListener('click', (event) => {
    const button = event.target.closest('button.participant-name');
    if (button) onOpen(button.closest('li').dataset.sessionId);
  });
  let shown = [];
  onLanguageChange(() => render(shown));

  /** participants: { id, nick, online, owner, self, verified, tag (shown when set), changed } */
  function render(participants) {
    shown = participants;
      list.replaceChildren(...participants.map((p) => el('li', {
        className: `participant ${p.online ? 'online' : 'offline'}`,
        dataset: { sessionId: p.id },
      },
      el('span', { className: 'presence-dot', attrs: { 'aria-hidden': 'true' } }),
      el('button', {
        className: 'participant-name link-like',
        text: p.nick,
        attrs: { type: 'button', 'aria-haspopup': 'dialog', title: t('people.details') },
      }),
      p.tag ? el('span', { className: 'key-tag', text: `#${p.tag.slice(0, 4)}` }) : null,
      p.self ? el('span', { className: 'you-tag', text: t('messages.you') }) : null,
      p.owner ? el('span', { className: 'badge', text: t('people.owner') }) : null,
      p.verified ? el('span', { className: 'badge verified', text: t('people.verified') }) : null,
      p.changed ? el('span', { className: 'badge warning', text: t('people.codeChanged') }) : null,
      el('span', { className: 'participant-state', text: p.online ? t('people.online') : t('people.offline') }))));
  }

  return { render };
}
