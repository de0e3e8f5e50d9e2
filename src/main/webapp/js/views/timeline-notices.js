// Words for the member notices (member-notices.js) in the message list: "Ann joined", "Someone joined" (named once
// the profile arrives), "Ann is now called Annie", "Ann left", "The room was locked", "Newcomers now knock".

import { msg } from '../i18n.js';

/** The room settings' notices, by the kind member-notices.js gives them. */
const SETTINGS = {
  locked: () => msg('notice.locked'),
  unlocked: () => msg('notice.unlocked'),
  knockOn: () => msg('notice.knockOn'),
  knockOff: () => msg('notice.knockOff'),
};

export function createTimelineNotices(messages) {
  return {
    tell(notices) {
      for (const n of notices) {
        const ref = `join:${n.id}`;
        switch (n.kind) {
          case 'joined':
            if (n.nick) messages.notice(msg('notice.joined', { nick: n.nick }));
            else messages.notice(msg('notice.joinedSomeone'), { ref });
            break;
          case 'named':
            messages.updateNotice(ref, msg('notice.joined', { nick: n.nick }));
            break;
          case 'renamed':
            messages.notice(msg('notice.renamed', { from: n.from, to: n.to }));
            break;
          case 'left':
            messages.notice(n.nick ? msg('notice.left', { nick: n.nick }) : msg('notice.leftSomeone'));
            break;
          default:
            if (SETTINGS[n.kind]) messages.notice(SETTINGS[n.kind]());
        }
      }
    },
  };
}
