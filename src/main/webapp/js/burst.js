// Gathers what arrives in quick succession (a burst of messages) and hands it on once, after a quiet moment, so
// that a screen reader is told one thing per burst. Timers are parameters, for tests.

export const BURST_QUIET_MS = 700;

export function createBurst(onFlush, { quietMs = BURST_QUIET_MS, setTimer = setTimeout, clearTimer = clearTimeout } = {}) {
  let items = [];
  let timer = null;

  function flush() {
    timer = null;
    const taken = items;
    items = [];
    if (taken.length > 0) onFlush(taken);
  }

  return {
    push(item) {
      items.push(item);
      if (timer !== null) clearTimer(timer);
      timer = setTimer(flush, quietMs);
    },
    cancel() {
      if (timer !== null) clearTimer(timer);
      timer = null;
      items = [];
    },
  };
}

/** What one announcement says about a burst: the message itself when it is one, else how many there are. */
export function announcement(items) {
  if (items.length === 1) return { one: items[0] };
  return { count: items.length };
}
