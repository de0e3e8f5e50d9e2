// The participant list (#participants): nickname, online state, owner badge, which one is you, whom the person
// verified, and, when two people use the same nickname, their key tags. A name opens the member's details.

import { byId, el } from './dom.js';

export function createParticipantList({ onOpen = () => {} } = {}) {
  const list = byId('participants');
  list.addEventListener('click', (event) => {
    const button = event.target.closest('button.participant-name');
    if (button) onOpen(button.closest('li').dataset.sessionId);
  });
  return {
    /** participants: { id, nick, online, owner, self, verified, tag (shown when set), changed } */
    render(participants) {
      list.replaceChildren(...participants.map((p) => el('li', {
        className: `participant ${p.online ? 'online' : 'offline'}`,
        dataset: { sessionId: p.id },
      },
      el('span', { className: 'presence-dot', attrs: { 'aria-hidden': 'true' } }),
      el('button', {
        className: 'participant-name link-like',
        text: p.nick,
        attrs: { type: 'button', 'aria-haspopup': 'dialog', title: 'Safety code and details' },
      }),
      p.tag ? el('span', { className: 'key-tag', text: `#${p.tag.slice(0, 4)}` }) : null,
      p.self ? el('span', { className: 'you-tag', text: '(you)' }) : null,
      p.owner ? el('span', { className: 'badge', text: 'owner' }) : null,
      p.verified ? el('span', { className: 'badge verified', text: '✓ verified' }) : null,
      p.changed ? el('span', { className: 'badge warning', text: 'code changed' }) : null,
      el('span', { className: 'participant-state', text: p.online ? 'online' : 'offline' }))));
    },
  };
}
