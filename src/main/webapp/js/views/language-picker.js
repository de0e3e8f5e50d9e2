// The language picker (#language in the header, on the landing page and in a room): shows the current language
// and switches the page to the one picked, at once and without a reload.

import { chooseLanguage, language, onLanguageChange } from '../i18n.js';
import { byId } from './dom.js';

export function createLanguagePicker() {
  const select = byId('language');
  select.value = language();
  select.addEventListener('change', () => chooseLanguage(select.value));
  onLanguageChange((code) => {
    select.value = code;
  });
}
