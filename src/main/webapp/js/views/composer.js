// The composer: "Message" text box (Enter sends, Shift+Enter adds a line), length counter, "Send",
// the typing line below the list, and the "Your nickname" field.

import { onLanguageChange, t } from '../i18n.js';
import { byId } from './dom.js';

export function createComposer({ maxChars, onSend, onTyping, onNickname }) {
  const form = byId('composer');
  const input = byId('message-input');
  const counter = byId('message-count');
  const typing = byId('typing');
  const nickname = byId('nickname-input');

  function updateCounter() {
    const length = input.value.length;
    counter.textContent = t('composer.count', { count: length, max: maxChars });
    counter.classList.toggle('over', length > maxChars);
    counter.classList.toggle('near', length > maxChars * 0.9 && length <= maxChars);
  }

  async function submit() {
    const text = input.value;
    if (text.trim() === '') return;
    input.value = '';
    updateCounter();
    const sent = await onSend(text);
    if (!sent) restore(text);
  }

  function restore(text) {
    if (input.value !== '') return false;
    input.value = text;
    updateCounter();
    return true;
  }

  onLanguageChange(() => updateCounter());

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', () => {
    updateCounter();
    if (input.value.trim() !== '') onTyping();
  });

  let shownNick = '';
  function commitNickname() {
    if (nickname.value !== shownNick) onNickname(nickname.value);
  }
  nickname.addEventListener('change', commitNickname);
  nickname.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      commitNickname();
    }
  });

  return {
    /** Puts a message that could not be sent back, unless something new was typed meanwhile; says whether it did. */
    restore,
    clear() {
      input.value = '';
      updateCounter();
      typing.textContent = '';
    },
    focus() {
      input.focus();
    },
    setEnabled(enabled) {
      input.disabled = !enabled;
      form.querySelector('button[type="submit"]').disabled = !enabled;
      nickname.disabled = !enabled;
    },
    setTyping(text) {
      typing.textContent = text;
    },
    setNickname(nick) {
      shownNick = nick;
      nickname.value = nick;
    },
  };
}
