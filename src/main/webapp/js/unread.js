// Unread messages while the tab is hidden: the count that the title and the icon show, and when a desktop
// notification or a sound may be given (one per burst at most). No DOM, no text.

/** A burst of messages gives one notification or sound; the next may come this much later. */
export const ALERT_GAP_MS = 10000;

export class UnreadCounter {
  constructor({ now = Date.now } = {}) {
    this.now = now;
    this.hidden = false;
    this.count = 0;
    this.lastAlert = -Infinity;
  }

  /** The tab was hidden or shown again; showing it clears the count. Returns the count. */
  setHidden(hidden) {
    this.hidden = hidden;
    if (!hidden) {
      this.count = 0;
      this.lastAlert = -Infinity;
    }
    return this.count;
  }

  /** Messages from others arrived (own messages are not counted). Says whether to alert (notify, sound). */
  arrived(fromOthers) {
    if (!this.hidden || fromOthers <= 0) return { count: this.count, alert: false };
    this.count += fromOthers;
    const t = this.now();
    const alert = t - this.lastAlert >= ALERT_GAP_MS;
    if (alert) this.lastAlert = t;
    return { count: this.count, alert };
  }

  reset() {
    this.count = 0;
    this.lastAlert = -Infinity;
  }
}

/** The page title with the count in front, "(3) Sotto"; the title alone without one. */
export function titleWithCount(title, count) {
  return count > 0 ? `(${count > 99 ? '99+' : count}) ${title}` : title;
}

/** The tab's icon with the count on it, as an SVG data: URL; the empty icon without one. */
export function badgeIcon(count) {
  if (count <= 0) return 'data:,';
  const label = count > 99 ? '99+' : String(count);
  const size = label.length > 2 ? 26 : 36;
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
    + '<circle cx="32" cy="32" r="30" fill="#2c5a5f"/>'
    + `<text x="32" y="44" font-family="sans-serif" font-size="${size}" font-weight="700" fill="#fff"`
    + ` text-anchor="middle">${label}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}
