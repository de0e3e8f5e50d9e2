import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatState, createThrottle, typingText } from '../../main/webapp/js/chat.js';

const ALICE = 'AAECAwQFBgcICQoLDA0ODw';
const BOB = 'EBESExQVFhcYGRobHB0eHw';
const body = (text) => ({ text, nick: 'Quiet Otter', sentAt: 1 });
const frame = (seq, from = ALICE, c = seq) => ({ t: 'msg', seq, from, c, iv: 'i', ct: 'x', at: 1000 + seq });

test('a new message is stored once by seq', () => {
  const chat = new ChatState();
  assert.ok(chat.isNewSeq(1));
  const message = chat.receive(frame(1), body('hi'));
  assert.equal(message.text, 'hi');
  assert.equal(message.seq, 1);
  assert.equal(chat.isNewSeq(1), false);
  assert.equal(chat.receive(frame(1), body('hi')), null, 'same seq again');
  assert.equal(chat.ordered().length, 1);
});

test('a replayed envelope (same sender and counter) under a new seq is dropped', () => {
  const chat = new ChatState();
  assert.ok(chat.receive(frame(1, ALICE, 7), body('pay 10')));
  assert.equal(chat.receive(frame(2, ALICE, 7), body('pay 10')), null);
  assert.ok(chat.receive(frame(3, BOB, 7), body('other sender, same counter')));
  assert.deepEqual(chat.ordered().map((m) => m.seq), [1, 3]);
  assert.equal(chat.since, 3, 'the dropped seq still counts as received');
});

test('an envelope that failed to open is dropped but its seq is not asked for again', () => {
  const chat = new ChatState();
  assert.equal(chat.receive(frame(1), null), null);
  assert.equal(chat.ordered().length, 0);
  assert.equal(chat.since, 1);
  assert.equal(chat.isNewSeq(1), false);
});

test('out-of-order seqs are ordered and contiguous tracking stops at the first gap', () => {
  const chat = new ChatState();
  assert.equal(chat.since, 0);
  chat.receive(frame(1), body('a'));
  chat.receive(frame(3), body('c'));
  chat.receive(frame(5), body('e'));
  assert.equal(chat.since, 1);
  chat.receive(frame(2), body('b'));
  assert.equal(chat.since, 3);
  chat.receive(frame(4), body('d'));
  assert.equal(chat.since, 5);
  assert.deepEqual(chat.ordered().map((m) => m.text), ['a', 'b', 'c', 'd', 'e']);
});

test('a history window not starting at 1 resumes from its top and extends downwards', () => {
  const chat = new ChatState();
  for (let seq = 51; seq <= 100; seq += 1) chat.receive(frame(seq), body(String(seq)));
  assert.equal(chat.since, 100);
  assert.equal(chat.lowest, 51);
  assert.ok(chat.hasEarlier);
  for (let seq = 1; seq <= 50; seq += 1) chat.receive(frame(seq), body(String(seq)));
  assert.equal(chat.since, 100);
  assert.equal(chat.hasEarlier, false);
});

test('own messages are recognised by the session ID', () => {
  const chat = new ChatState();
  chat.selfId = ALICE;
  assert.ok(chat.isOwn(chat.receive(frame(9, ALICE, 4), body('hi'))));
  assert.equal(chat.isOwn(chat.receive(frame(10, BOB, 4), body('hi'))), false);
});

test('profiles apply only when not older than the last applied one', () => {
  const chat = new ChatState();
  assert.equal(chat.nickOf(BOB), 'Anonymous');
  assert.equal(chat.nickOf(BOB, 'From message'), 'From message');
  assert.ok(chat.applyProfile(BOB, 5, 'Calm Heron'));
  assert.equal(chat.applyProfile(BOB, 4, 'Old Name'), false);
  assert.equal(chat.nickOf(BOB, 'From message'), 'Calm Heron');
  assert.ok(chat.applyProfile(BOB, 5, 'Same Counter'));
  assert.ok(chat.applyProfile(BOB, 9, 'Newer'));
  assert.equal(chat.nickOf(BOB), 'Newer');
});

test('participants list online people first with owner and self flags', () => {
  const chat = new ChatState();
  chat.selfId = ALICE;
  chat.ownerId = BOB;
  chat.applyProfile(ALICE, 1, 'Zed');
  chat.applyProfile(BOB, 1, 'Amy');
  chat.setOnline([ALICE]);
  assert.deepEqual(chat.participants(), [
    { id: ALICE, nick: 'Zed', online: true, owner: false, self: true },
    { id: BOB, nick: 'Amy', online: false, owner: true, self: false },
  ]);
});

test('typing shows for five seconds, never for oneself, and ends with a message', () => {
  const chat = new ChatState();
  chat.selfId = ALICE;
  chat.applyProfile(BOB, 1, 'Quiet Otter');
  chat.setOnline([ALICE, BOB]);
  chat.noteTyping(ALICE, 0);
  chat.noteTyping(BOB, 0);
  assert.deepEqual(chat.typists(1000), ['Quiet Otter']);
  assert.equal(typingText(chat.typists(1000)), 'Quiet Otter is typing…');
  assert.deepEqual(chat.typists(5001), []);
  chat.noteTyping(BOB, 10000);
  chat.receive(frame(1, BOB, 1), body('done'));
  assert.deepEqual(chat.typists(10001), []);
  assert.equal(typingText(['A', 'B']), 'A and B are typing…');
  assert.equal(typingText([]), '');
});

test('the typing throttle lets one frame through per three seconds', () => {
  let now = 0;
  const allowed = createThrottle(3000, () => now);
  assert.equal(allowed(), true);
  now = 2999;
  assert.equal(allowed(), false);
  now = 3000;
  assert.equal(allowed(), true);
});

test('a member who left for good disappears from the participants', () => {
  const chat = new ChatState();
  chat.selfId = ALICE;
  chat.applyProfile(BOB, 1, 'Brave Heron');
  chat.setOnline([ALICE, BOB]);
  assert.equal(chat.participants().length, 2);
  chat.forget(BOB);
  assert.deepEqual(chat.participants().map((p) => p.id), [ALICE]);
});

test('the replay guard survives a reload: an old envelope replayed under a new seq is dropped', () => {
  const before = new ChatState();
  assert.ok(before.receive(frame(1, BOB, 3), body('pay 10')));
  assert.ok(before.receive(frame(2, BOB, 5), body('ok')));
  assert.ok(before.receive(frame(3, ALICE, 2), body('hi')));
  assert.ok(before.guardChanged);
  const kept = JSON.parse(JSON.stringify(before.guard()));
  assert.deepEqual(kept, { [BOB]: [5, 2], [ALICE]: [2, 3] });

  const after = new ChatState();
  after.restoreGuard(kept);
  assert.ok(after.receive(frame(2, BOB, 5), body('ok')), 'the same message at its own seq is shown again');
  assert.equal(after.receive(frame(4, BOB, 3), body('pay 10')), null, 'an older counter at a later seq');
  assert.equal(after.receive(frame(5, BOB, 5), body('ok')), null, 'the highest counter again at a later seq');
  assert.ok(after.receive(frame(1, BOB, 3), body('pay 10')), 'an older message at an earlier seq loads as history');
  assert.ok(after.receive(frame(6, BOB, 6), body('new')), 'a later counter at a later seq is new');
  assert.deepEqual(after.guard()[BOB], [6, 6]);
});

test('without a kept guard the same replay would be shown: the guard is what drops it', () => {
  const fresh = new ChatState();
  assert.ok(fresh.receive(frame(2, BOB, 5), body('ok')));
  assert.equal(fresh.receive(frame(4, BOB, 3), body('pay 10')), null, 'a lower counter after a higher one, in one page');
  const unguarded = new ChatState();
  assert.ok(unguarded.receive(frame(4, BOB, 3), body('pay 10')), 'a page that knows nothing accepts it');
});

test('a restored guard never lowers what the page accepted since', () => {
  const chat = new ChatState();
  assert.ok(chat.receive(frame(9, BOB, 20), body('late')));
  chat.restoreGuard({ [BOB]: [5, 2] });
  assert.deepEqual(chat.guard()[BOB], [20, 9]);
});
