// The notice line (#notice): errors and short confirmations shown to the person.

import { setText } from '../i18n.js';
import { byId } from './dom.js';

export function createNotice() {
  const node = byId('notice');
  let timer = null;

  function clear() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    setText(node, '');
    node.hidden = true;
  }

  return {
    /** Shows text (a string or a msg()); it stays until replaced or cleared, or for `timeoutMs` when given. */
    show(text, { timeoutMs } = {}) {
      clear();
      setText(node, text);
      node.hidden = false;
      if (timeoutMs) timer = setTimeout(clear, timeoutMs);
    },
    clear,
  };
}
