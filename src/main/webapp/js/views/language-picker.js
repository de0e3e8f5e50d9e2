// The language picker (#language): shows the current language and switches the page to the one picked, at once
// and without a reload. It sits in the site header on the landing page; in a room, where the header gives way to
// the room's own, it moves to the people panel's "In this tab" settings, so it is one element wherever it shows.

import { chooseLanguage, language, onLanguageChange } from '../i18n.js';
import { byId } from './dom.js';

export function createLanguagePicker() {
  const select = byId('language');
  const picker = select.closest('.language-picker');
  const header = picker.parentElement;
  const inRoom = byId('tab-settings');
  select.value = language();
  select.addEventListener('change', () => chooseLanguage(select.value));
  onLanguageChange((code) => {
    select.value = code;
  });
  return {
    /** Puts the picker where it can be reached: in the room's settings while a room shows, else the header. */
    place(roomShown) {
      const target = roomShown ? inRoom : header;
      if (picker.parentElement !== target) target.append(picker);
    },
  };
}
