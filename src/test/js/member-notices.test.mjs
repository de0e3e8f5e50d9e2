import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemberNotices } from '../../main/webapp/js/member-notices.js';

const SELF = 'self';

function entered({ profiles = {}, online = [SELF], settings = { locked: false, knock: false } } = {}) {
  const n = new MemberNotices();
  n.welcoming(SELF);
  n.roomSettings(settings);
  for (const [id, nick] of Object.entries(profiles)) assert.deepEqual(n.profile(id, nick), []);
  n.welcomed();
  assert.deepEqual(n.presence(online), [], 'those present at entry give no notice');
  return n;
}

test('people already in the room when one enters give no join notice', () => {
  const n = entered({ profiles: { a: 'Ann', b: 'Ben' }, online: [SELF, 'a', 'b', 'c'] });
  assert.deepEqual(n.presence([SELF, 'a', 'b', 'c']), []);
  assert.deepEqual(n.profile('c', 'Cat'), [], 'a late profile of someone already there is no join');
});

test('a newcomer without a known profile is someone, named once the profile arrives', () => {
  const n = entered();
  assert.deepEqual(n.presence([SELF, 'd']), [{ kind: 'joined', id: 'd', nick: null }]);
  assert.deepEqual(n.profile('d', 'Dora'), [{ kind: 'named', id: 'd', nick: 'Dora' }]);
  assert.deepEqual(n.profile('d', 'Dora'), [], 'the same profile again says nothing');
});

test('a newcomer whose profile comes before their presence joins by name', () => {
  const n = entered();
  assert.deepEqual(n.profile('e', 'Eve'), [{ kind: 'joined', id: 'e', nick: 'Eve' }]);
  assert.deepEqual(n.presence([SELF, 'e']), []);
});

test('going offline and back is neither a leave nor a join', () => {
  const n = entered({ profiles: { a: 'Ann' }, online: [SELF, 'a'] });
  assert.deepEqual(n.presence([SELF]), []);
  assert.deepEqual(n.presence([SELF, 'a']), []);
});

test('a new nickname is a rename; the first one is not', () => {
  const n = entered({ profiles: { a: 'Ann' } });
  assert.deepEqual(n.profile('a', 'Annie'), [{ kind: 'renamed', id: 'a', from: 'Ann', to: 'Annie' }]);
  assert.deepEqual(n.profile(SELF, 'Me'), []);
  assert.deepEqual(n.profile(SELF, 'Still me'), [{ kind: 'renamed', id: SELF, from: 'Me', to: 'Still me' }]);
});

test('a profile with an empty nickname names nobody', () => {
  const n = entered();
  n.presence([SELF, 'f']);
  assert.deepEqual(n.profile('f', ''), []);
  assert.deepEqual(n.left('f'), [{ kind: 'left', id: 'f', nick: null }]);
});

test('leaving gives a notice with the name when it is known; a removal is told elsewhere', () => {
  const n = entered({ profiles: { a: 'Ann', b: 'Ben' }, online: [SELF, 'a', 'b'] });
  assert.deepEqual(n.left('a'), [{ kind: 'left', id: 'a', nick: 'Ann' }]);
  assert.deepEqual(n.left('a'), [], 'only once');
  assert.deepEqual(n.left('b', true), []);
  assert.deepEqual(n.left('stranger'), [], 'a knock that was refused was never a member');
});

test('the profiles of a later welcome (a reconnect) are no renames or joins', () => {
  const n = entered({ profiles: { a: 'Ann' } });
  n.welcoming(SELF);
  assert.deepEqual(n.profile('a', 'Ann'), []);
  assert.deepEqual(n.profile('g', 'Gus'), []);
  n.welcomed();
  assert.deepEqual(n.presence([SELF, 'a', 'g', 'h']), [{ kind: 'joined', id: 'h', nick: null }]);
});

test('lock and knock changes after entering are notices, the settings at entry are not', () => {
  const n = entered({ settings: { locked: true, knock: false } });
  assert.deepEqual(n.roomSettings({ locked: true, knock: false }), []);
  assert.deepEqual(n.roomSettings({ locked: false, knock: true }), [{ kind: 'unlocked' }, { kind: 'knockOn' }]);
  assert.deepEqual(n.roomSettings({ locked: true, knock: true }), [{ kind: 'locked' }]);
  assert.deepEqual(n.roomSettings({ locked: true, knock: false }), [{ kind: 'knockOff' }]);
});

test('nothing is told before the first welcome', () => {
  const n = new MemberNotices();
  assert.deepEqual(n.profile('a', 'Ann'), []);
  assert.deepEqual(n.roomSettings({ locked: true, knock: true }), []);
});
