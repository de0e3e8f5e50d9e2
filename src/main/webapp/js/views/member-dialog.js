// The member dialog (#member-dialog): a member's nickname and key tag, the safety code of the pair, the "verified"
// mark, and for the owner "Make owner" and "Remove from room".

import { msg, setText } from '../i18n.js';
import { byId } from './dom.js';

export function createMemberDialog({ onVerified, onRemove, onMakeOwner }) {
  const dialog = byId('member-dialog');
  const title = byId('member-dialog-title');
  const keyLine = byId('member-dialog-key');
  const codeBlock = byId('member-dialog-code-block');
  const code = byId('member-dialog-code');
  const unknown = byId('member-dialog-unknown');
  const verified = byId('member-verified');
  const ownerActions = byId('member-dialog-owner');
  const makeOwner = byId('member-make-owner');
  const remove = byId('member-remove');
  let current = null;

  verified.addEventListener('change', () => current && onVerified(current, verified.checked));
  makeOwner.addEventListener('click', () => {
    const id = current;
    dialog.close();
    if (id) onMakeOwner(id);
  });
  remove.addEventListener('click', () => {
    const id = current;
    dialog.close();
    if (id) onRemove(id);
  });
  dialog.addEventListener('close', () => { current = null; });

  return {
    /** member: { id, nick, self, tag, code (or null), verified, canManage } */
    show(member) {
      current = member.id;
      setText(title, member.self ? msg('member.you', { nick: member.nick }) : member.nick);
      setText(keyLine, member.tag ? msg('member.keyTag', { tag: member.tag }) : '');
      const hasCode = !member.self && member.code !== null;
      codeBlock.hidden = !hasCode;
      unknown.hidden = member.self || hasCode;
      code.textContent = member.code ?? '';
      verified.checked = member.verified;
      ownerActions.hidden = !member.canManage;
      if (!dialog.open) dialog.showModal();
    },
    close() {
      if (dialog.open) dialog.close();
    },
    get openFor() {
      return current;
    },
  };
}
