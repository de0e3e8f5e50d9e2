// The message list (#messages): stored messages in seq order, then own messages still being sent.
// A message shows the time its sender wrote into it (sealed with the text, so the server cannot change it),
// marked when the server received it more than CLOCK_SKEW_MS earlier or later than that.

import { announcement, createBurst } from '../burst.js';
import { dateTimeFormat, msg, onLanguageChange, setAttr, setText, t } from '../i18n.js';
import { linkify } from '../linkify.js';
import { byId, el } from './dom.js';
import { fileCard } from './file-card.js';

const NEAR_BOTTOM_PX = 80;
const ANNOUNCED_CHARS = 200;
const reducedMotion = () => globalThis.matchMedia('(prefers-reduced-motion: reduce)').matches;
export const CLOCK_SKEW_MS = 5 * 60 * 1000;
const MAX_DATE_MS = 8.64e15;
const TIME = { hour: '2-digit', minute: '2-digit' };
const DATE_TIME = { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };

/** A time in the current language: today's as the time of day, an earlier one with its date. */
function formatTime(ms) {
  const date = new Date(ms);
  return dateTimeFormat(date.toDateString() === new Date().toDateString() ? TIME : DATE_TIME).format(date);
}

/** A time that is formatted when it is shown (a var of a msg(), so it follows a language change). */
const timeVar = (ms) => ({ toString: () => formatTime(ms) });

/** An element whose text is a msg(), translated again when the language changes. */
function localized(tag, className, message, attrs = {}) {
  const node = el(tag, { className });
  setText(node, message);
  for (const [name, value] of Object.entries(attrs)) setAttr(node, name, value);
  return node;
}

/** Message text as text nodes and http(s) links; newlines are kept by CSS (white-space: pre-wrap). */
function textBody(text) {
  const body = el('p', { className: 'message-text' });
  for (const part of linkify(text)) {
    if (part.type === 'link') {
      const a = el('a', { text: part.value, attrs: { rel: 'noopener noreferrer nofollow', target: '_blank' } });
      a.href = part.value;
      body.append(a);
    } else {
      body.append(document.createTextNode(part.value));
    }
  }
  return body;
}

function header(nick, own, time, marker = null) {
  return el('p', { className: 'message-meta' },
    el('span', { className: 'message-author', text: nick }),
    own ? localized('span', 'you-tag', msg('messages.you')) : null,
    time, marker);
}

/** "⚠ time differs" when the sender's time and the server's are far apart; null otherwise. */
function skewMarker(sentAt, at) {
  if (Math.abs(sentAt - at) <= CLOCK_SKEW_MS) return null;
  const title = sentAt <= MAX_DATE_MS
    ? msg('messages.timeDiffers.title', { sent: timeVar(sentAt), received: timeVar(at) })
    : msg('messages.timeNotDate.title', { received: timeVar(at) });
  return localized('span', 'time-differs', msg('messages.timeDiffers'), { title });
}

/**
 * @param {object} o
 * @param {() => void} o.onLoadEarlier
 * @param {(file: object, onProgress: Function) => Promise<Blob>} o.onDownload  a file announced in the room
 * @param {(error: Error) => object} o.describeDownloadError
 */
export function createMessageList({ onLoadEarlier, onDownload, describeDownloadError }) {
  const list = byId('messages');
  const earlier = byId('load-earlier');
  const jump = byId('new-messages');
  const announcer = byId('announcer');
  const bySeq = new Map(); // seq -> element
  const pendingByC = new Map(); // c -> element
  const noticesByRef = new Map(); // ref -> notice element that may still change (a join named later)
  let highestSeq = 0;
  let atBottom = true;

  // The log itself is not live (a burst would be read out message by message): one announcement per burst.
  const burst = createBurst((items) => {
    const said = announcement(items);
    if (said.one) {
      announcer.textContent = said.one.notice
        ? t('layout.announceNotice', { text: said.one.notice })
        : t('layout.announceMessage', { nick: said.one.nick, text: said.one.text.slice(0, ANNOUNCED_CHARS) });
    } else {
      announcer.textContent = t('layout.announceMany', { count: said.count });
    }
  });

  earlier.addEventListener('click', () => onLoadEarlier());
  onLanguageChange(() => {
    for (const time of list.querySelectorAll('time[datetime]')) {
      time.textContent = formatTime(Date.parse(time.getAttribute('datetime')));
    }
  });

  const nearBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < NEAR_BOTTOM_PX;
  const scrollToBottom = () => {
    list.scrollTop = list.scrollHeight;
    atBottom = true;
    jump.hidden = true;
  };

  list.addEventListener('scroll', () => {
    atBottom = nearBottom();
    if (atBottom) jump.hidden = true;
  }, { passive: true });
  jump.addEventListener('click', () => {
    list.scrollTo({ top: list.scrollHeight, behavior: reducedMotion() ? 'auto' : 'smooth' });
    atBottom = true;
    jump.hidden = true;
    list.focus({ preventScroll: true });
  });
  // The list grows or shrinks (a call panel opens, the keyboard of a phone shows): whoever read the newest message
  // still sees it.
  new ResizeObserver(() => {
    if (atBottom) list.scrollTop = list.scrollHeight;
  }).observe(list);

  function messageElement(message, { own, nick, unverified = false }) {
    // A sender's time that no date can hold is shown as the server's, flagged.
    const sentAt = Math.abs(message.sentAt) <= MAX_DATE_MS ? message.sentAt : Number.MAX_SAFE_INTEGER;
    const shown = sentAt === Number.MAX_SAFE_INTEGER ? message.at : sentAt;
    const time = el('time', { text: formatTime(shown), attrs: { datetime: new Date(shown).toISOString() } });
    return el('article', {
      className: own ? 'message own' : 'message',
      dataset: { seq: String(message.seq), from: message.from },
    }, header(unverified ? `[${nick}]` : nick, own, time, unverified
      ? localized('span', 'unverified', msg('messages.unverified'), { title: msg('messages.unverified.title') })
      : skewMarker(sentAt, message.at)), bodyOf(message));
  }

  function bodyOf(message) {
    return message.file
      ? fileCard(message.file, { onDownload, describe: describeDownloadError })
      : textBody(message.text);
  }

  function firstPending() {
    return pendingByC.values().next().value ?? null;
  }

  function insert(node, seq) {
    if (seq > highestSeq) {
      highestSeq = seq;
      list.insertBefore(node, firstPending());
      return;
    }
    let before = null;
    for (const [s, element] of bySeq) {
      if (s > seq && (before === null || s < Number(before.dataset.seq))) before = element;
    }
    list.insertBefore(node, before ?? firstPending());
  }

  return {
    /**
     * Adds stored messages, each `{ message, own, nick }`; keeps the reader's place when they land above. Live ones
     * (not history) are announced, and offered with "New messages" to a reader who scrolled up.
     */
    add(items, { live = false } = {}) {
      const stick = nearBottom();
      const anchor = list.firstElementChild;
      const anchorTop = anchor ? anchor.offsetTop - list.scrollTop : 0;
      let ownAdded = false;
      let othersAdded = false;
      for (const { message, own, nick, unverified } of items) {
        if (bySeq.has(message.seq)) continue;
        const node = messageElement(message, { own, nick, unverified });
        insert(node, message.seq);
        bySeq.set(message.seq, node);
        ownAdded ||= own;
        if (live && !own) {
          burst.push({ nick, text: message.file ? t('files.announce', { name: message.file.name }) : message.text });
          othersAdded = true;
        }
      }
      if (stick || ownAdded) scrollToBottom();
      else {
        if (anchor) list.scrollTop = anchor.offsetTop - anchorTop;
        if (othersAdded) jump.hidden = false;
      }
    },

    addPending({ c, text, nick, file }) {
      const node = el('article', { className: 'message-pending own', dataset: { pendingC: String(c) } },
        header(nick, true, localized('span', 'pending-state', msg('messages.sending'))),
        textBody(file ? file.name : text));
      pendingByC.set(c, node);
      list.append(node);
      scrollToBottom();
    },

    /**
     * A notice in the timeline (someone was removed, a safety code changed, a new room key): after the newest
     * message, before own messages still being sent. Built only from what this browser verified.
     */
    notice(text, { warning = false, ref = null } = {}) {
      const stick = nearBottom();
      const node = localized('p', warning ? 'timeline-notice warning' : 'timeline-notice', text);
      list.insertBefore(node, firstPending());
      if (ref !== null) noticesByRef.set(ref, node);
      burst.push({ notice: text });
      if (stick) scrollToBottom();
    },

    /** Changes the text of a notice given with `ref` (a join whose name became known). */
    updateNotice(ref, text) {
      const node = noticesByRef.get(ref);
      noticesByRef.delete(ref);
      if (node) setText(node, text);
    },

    markPendingFailed(c) {
      const node = pendingByC.get(c);
      if (!node) return;
      node.classList.add('failed');
      setText(node.querySelector('.pending-state'), msg('messages.notSent'));
    },

    removePending(c) {
      const node = pendingByC.get(c);
      pendingByC.delete(c);
      if (node) node.remove();
    },

    renameAuthor(from, nick) {
      for (const node of bySeq.values()) {
        if (node.dataset.from === from && !node.querySelector('.unverified')) {
          node.querySelector('.message-author').textContent = nick;
        }
      }
    },

    setEarlier({ visible, busy = false }) {
      earlier.hidden = !visible;
      earlier.disabled = busy;
      earlier.setAttribute('aria-busy', String(busy));
    },

    clear() {
      list.replaceChildren();
      bySeq.clear();
      pendingByC.clear();
      noticesByRef.clear();
      burst.cancel();
      announcer.textContent = '';
      jump.hidden = true;
      atBottom = true;
      highestSeq = 0;
      earlier.hidden = true;
    },
  };
}
