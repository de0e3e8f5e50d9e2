import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTimelineNotices } from '../../main/webapp/js/views/timeline-notices.js';

function recorded() {
  const shown = [];
  const messages = {
    notice: (text, options = {}) => shown.push({ text, ref: options.ref ?? null }),
    updateNotice: (ref, text) => shown.find((n) => n.ref === ref).text = text,
  };
  return { shown, timeline: createTimelineNotices(messages) };
}

test('a join by someone not known yet is named in place once the profile arrives', () => {
  const { shown, timeline } = recorded();
  timeline.tell([{ kind: 'joined', id: 'a', nick: null }]);
  assert.deepEqual(shown.map((n) => String(n.text)), ['Someone joined']);
  timeline.tell([{ kind: 'named', id: 'a', nick: 'Ann' }]);
  assert.deepEqual(shown.map((n) => String(n.text)), ['Ann joined']);
});

test('renames, leaves and room settings read as notices', () => {
  const { shown, timeline } = recorded();
  timeline.tell([
    { kind: 'joined', id: 'b', nick: 'Ben' },
    { kind: 'renamed', id: 'b', from: 'Ben', to: 'Benny' },
    { kind: 'left', id: 'b', nick: 'Benny' },
    { kind: 'left', id: 'c', nick: null },
    { kind: 'locked' }, { kind: 'unlocked' }, { kind: 'knockOn' }, { kind: 'knockOff' },
  ]);
  assert.deepEqual(shown.map((n) => String(n.text)), [
    'Ben joined', 'Ben is now called Benny', 'Benny left', 'Someone left', 'The room was locked',
    'The room was unlocked', 'Newcomers now knock', 'Newcomers no longer knock',
  ]);
});
