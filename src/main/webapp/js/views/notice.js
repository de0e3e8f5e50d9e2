// The notice line (#notice): errors and short confirmations shown to the person.

import { byId } from './dom.js';

export function createNotice() {
  const node = byId('notice');
  let timer = null;

  function clear() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    node.textContent = '';
    node.hidden = true;
  }

  return {
    /** Shows text; it stays until replaced or cleared, or for `timeoutMs` when given. */
    show(text, { timeoutMs } = {}) {
      clear();
      node.textContent = text;
      node.hidden = false;
      if (timeoutMs) timer = setTimeout(clear, timeoutMs);
    },
    clear,
  };
}
