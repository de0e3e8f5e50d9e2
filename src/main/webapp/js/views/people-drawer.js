// The people panel: beside the chat on wide screens; on narrow ones a drawer that the "People (n)" button in the
// header opens, and Escape, its close button or a tap beside it close. While it is open as a drawer, the rest of
// the room is inert and focus is inside it; closing gives focus back to the button.

import { msg, setAttr } from '../i18n.js';
import { byId } from './dom.js';

const WIDE = '(min-width: 60rem)';

export function createPeopleDrawer() {
  const panel = byId('people');
  const toggle = byId('people-toggle');
  const count = byId('people-count');
  const close = byId('people-close');
  const scrim = byId('people-scrim');
  const outside = [byId('room').querySelector('.room-bar'), byId('call'), panel.parentElement.querySelector('.conversation')];
  const wide = globalThis.matchMedia(WIDE);
  let open = false;

  function setOpen(next, { returnFocus = true } = {}) {
    if (open === next) return;
    open = next;
    panel.classList.toggle('open', open);
    scrim.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    const modal = open && !wide.matches;
    for (const node of outside) node.inert = modal;
    if (modal) close.focus();
    else if (!open && returnFocus && !wide.matches) toggle.focus();
  }

  toggle.addEventListener('click', () => setOpen(!open));
  close.addEventListener('click', () => setOpen(false));
  scrim.addEventListener('click', () => setOpen(false));
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && open && !wide.matches) {
      event.preventDefault();
      setOpen(false);
    }
  });
  // Growing wide, the drawer becomes the side panel: nothing stays inert.
  wide.addEventListener('change', () => setOpen(false, { returnFocus: false }));

  return {
    /** Whether it is open as a drawer (Escape then closes it rather than counting towards "leave no trace"). */
    isOpen: () => open && !wide.matches,
    close: () => setOpen(false, { returnFocus: false }),
    /** people: how many are in the list; waiting: how many knock (the owner's view). */
    setCount(people, waiting = 0) {
      count.textContent = String(people);
      setAttr(toggle, 'aria-label', msg('layout.peopleButton', { count: people }));
      if (waiting > 0) toggle.dataset.attention = '';
      else delete toggle.dataset.attention;
    },
  };
}
