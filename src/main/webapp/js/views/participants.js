// The participant list (#participants): nickname, online state, owner badge, and which one is you.

import { byId, el } from './dom.js';

export function createParticipantList() {
  const list = byId('participants');
  return {
    render(participants) {
      list.replaceChildren(...participants.map((p) => el('li', {
        className: `participant ${p.online ? 'online' : 'offline'}`,
        dataset: { sessionId: p.id },
      },
      el('span', { className: 'presence-dot', attrs: { 'aria-hidden': 'true' } }),
      el('span', { className: 'participant-name', text: p.nick }),
      p.self ? el('span', { className: 'you-tag', text: '(you)' }) : null,
      p.owner ? el('span', { className: 'badge', text: 'owner' }) : null,
      el('span', { className: 'participant-state', text: p.online ? 'online' : 'offline' }))));
    },
  };
}
