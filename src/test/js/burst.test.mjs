import { test } from 'node:test';
import assert from 'node:assert/strict';
import { announcement, createBurst } from '../../main/webapp/js/burst.js';

function fakeTimers() {
  const pending = new Map();
  let next = 1;
  return {
    setTimer: (fn) => { pending.set(next, fn); return next++; },
    clearTimer: (id) => pending.delete(id),
    fire() {
      const fns = [...pending.values()];
      pending.clear();
      for (const fn of fns) fn();
    },
    get size() { return pending.size; },
  };
}

test('items arriving together are handed on once, after the quiet moment', () => {
  const timers = fakeTimers();
  const flushed = [];
  const burst = createBurst((items) => flushed.push(items), timers);
  burst.push('a');
  burst.push('b');
  burst.push('c');
  assert.equal(timers.size, 1, 'one timer, restarted by each item');
  assert.deepEqual(flushed, []);
  timers.fire();
  assert.deepEqual(flushed, [['a', 'b', 'c']]);
  burst.push('d');
  timers.fire();
  assert.deepEqual(flushed, [['a', 'b', 'c'], ['d']]);
});

test('a cancelled burst hands on nothing', () => {
  const timers = fakeTimers();
  const flushed = [];
  const burst = createBurst((items) => flushed.push(items), timers);
  burst.push('a');
  burst.cancel();
  timers.fire();
  assert.deepEqual(flushed, []);
});

test('one item is announced itself, several by their number', () => {
  assert.deepEqual(announcement(['x']), { one: 'x' });
  assert.deepEqual(announcement(['x', 'y', 'z']), { count: 3 });
});
