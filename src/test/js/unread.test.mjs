import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALERT_GAP_MS, UnreadCounter, badgeIcon, titleWithCount } from '../../main/webapp/js/unread.js';

test('messages from others count only while the tab is hidden, and showing it clears the count', () => {
  const u = new UnreadCounter({ now: () => 0 });
  assert.deepEqual(u.arrived(2), { count: 0, alert: false }, 'a visible tab counts nothing');
  u.setHidden(true);
  assert.equal(u.arrived(1).count, 1);
  assert.equal(u.arrived(3).count, 4);
  assert.equal(u.arrived(0).count, 4, 'own messages are not counted');
  assert.equal(u.setHidden(false), 0);
});

test('a burst gives one alert; the next comes after the gap or after the person came back', () => {
  let now = 1000;
  const u = new UnreadCounter({ now: () => now });
  u.setHidden(true);
  assert.equal(u.arrived(1).alert, true);
  now += 500;
  assert.equal(u.arrived(1).alert, false);
  now += ALERT_GAP_MS;
  assert.equal(u.arrived(1).alert, true);
  u.setHidden(false);
  u.setHidden(true);
  assert.equal(u.arrived(1).alert, true);
});

test('the title carries the count in front', () => {
  assert.equal(titleWithCount('Sotto', 0), 'Sotto');
  assert.equal(titleWithCount('Sotto', 3), '(3) Sotto');
  assert.equal(titleWithCount('Sotto', 250), '(99+) Sotto');
});

test('the icon is an SVG data URL with the count, and empty without one', () => {
  assert.equal(badgeIcon(0), 'data:,');
  const icon = badgeIcon(7);
  assert.ok(icon.startsWith('data:image/svg+xml,'));
  assert.match(decodeURIComponent(icon), />7<\/text>/);
  assert.match(decodeURIComponent(badgeIcon(1000)), />99\+<\/text>/);
});
