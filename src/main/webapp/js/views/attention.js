// Telling the person about messages while the tab is hidden: "(n)" in the title and on the tab's icon, and, when
// they turned it on in this tab, a desktop notification that says only "New message in Sotto" (never a text, a
// name or the room code) and a soft sound made with WebAudio. The settings live in this page's memory only.

import { msg, setText, t } from '../i18n.js';
import { UnreadCounter, badgeIcon, titleWithCount } from '../unread.js';
import { byId } from './dom.js';

/** A short, quiet tone (no audio file): a sine that fades in and out within 0.4 s. */
function playSoftTone(audio) {
  const tone = audio.createOscillator();
  const gain = audio.createGain();
  tone.type = 'sine';
  tone.frequency.value = 660;
  const now = audio.currentTime;
  gain.gain.setValueAtTime(0.0001, now);
  gain.gain.exponentialRampToValueAtTime(0.08, now + 0.03);
  gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.35);
  tone.connect(gain).connect(audio.destination);
  tone.start(now);
  tone.stop(now + 0.4);
}

export function createAttention({ mayChangeIcon = () => true } = {}) {
  const notifyToggle = byId('notify-toggle');
  const notifyHint = byId('notify-hint');
  const soundToggle = byId('sound-toggle');
  const counter = new UnreadCounter();
  let icon = document.querySelector('link[rel="icon"]');
  let plainIcon = null; // the page's own icon while a count shows, put back when nothing is unread
  let baseTitle = null;
  let notify = false;
  let audio = null; // made when the person turns the sound on (a browser lets a page play only after a gesture)
  let shown = null;

  function setSound(on) {
    if (audio) audio.close();
    audio = null;
    const Context = globalThis.AudioContext;
    if (on && Context) {
      audio = new Context();
      playSoftTone(audio);
    }
  }

  function render(count) {
    if (count > 0 && baseTitle === null) baseTitle = document.title;
    if (baseTitle !== null) document.title = titleWithCount(baseTitle, count);
    if (count === 0) baseTitle = null;
    if (!mayChangeIcon()) return;
    if (!icon) {
      icon = document.createElement('link');
      icon.rel = 'icon';
      document.head.append(icon);
    }
    if (count > 0) {
      plainIcon ??= icon.getAttribute('href') ?? badgeIcon(0);
      icon.href = badgeIcon(count);
    } else if (plainIcon !== null) {
      icon.setAttribute('href', plainIcon);
      plainIcon = null;
    }
  }

  function visibilityChanged() {
    const count = counter.setHidden(document.visibilityState === 'hidden');
    if (count === 0) {
      shown?.close();
      shown = null;
    }
    render(count);
  }

  async function turnNotifications(on) {
    notify = false;
    setText(notifyHint, msg('unread.notificationsHint'));
    if (!on) return;
    if (!('Notification' in globalThis)) {
      notifyToggle.checked = false;
      return;
    }
    // Permission is asked for only now, when the person turns notifications on.
    const permission = Notification.permission === 'default'
      ? await Notification.requestPermission() : Notification.permission;
    notify = permission === 'granted' && notifyToggle.checked;
    if (!notify) {
      notifyToggle.checked = false;
      if (permission === 'denied') setText(notifyHint, msg('unread.notificationsBlocked'));
    }
  }

  function alert() {
    if (notify && Notification.permission === 'granted') {
      shown?.close();
      shown = new Notification(t('unread.notificationTitle'), { tag: 'sotto', silent: true });
      shown.addEventListener('click', () => {
        globalThis.focus();
        shown?.close();
      });
    }
    if (audio) playSoftTone(audio);
  }

  notifyToggle.addEventListener('change', () => turnNotifications(notifyToggle.checked));
  soundToggle.addEventListener('change', () => setSound(soundToggle.checked));
  document.addEventListener('visibilitychange', visibilityChanged);
  counter.setHidden(document.visibilityState === 'hidden');

  return {
    /** Messages arrived live; fromOthers: how many of them others wrote. */
    arrived(fromOthers) {
      const { count, alert: due } = counter.arrived(fromOthers);
      if (count > 0) render(count);
      if (due) alert();
    },
    /** The room is left or gone: the count, the settings and any notification go. */
    reset() {
      counter.reset();
      counter.setHidden(document.visibilityState === 'hidden');
      render(0);
      notify = false;
      setSound(false);
      notifyToggle.checked = false;
      soundToggle.checked = false;
      setText(notifyHint, msg('unread.notificationsHint'));
      shown?.close();
      shown = null;
    },
  };
}
