// A friendly random default nickname, like "Quiet Otter".

const ADJECTIVES = [
  'Quiet', 'Gentle', 'Calm', 'Bright', 'Brave', 'Clever', 'Kind', 'Swift', 'Patient', 'Curious',
  'Steady', 'Merry', 'Silent', 'Humble', 'Bold', 'Wise', 'Lucky', 'Sunny', 'Mellow', 'Nimble',
];
const ANIMALS = [
  'Otter', 'Heron', 'Fox', 'Badger', 'Owl', 'Lynx', 'Wren', 'Hare', 'Seal', 'Finch',
  'Marten', 'Beaver', 'Robin', 'Crane', 'Panda', 'Koala', 'Falcon', 'Moose', 'Puffin', 'Dolphin',
];

function pick(list, random) {
  const n = new Uint32Array(1);
  random.getRandomValues(n);
  return list[n[0] % list.length];
}

export function randomNickname(random = globalThis.crypto) {
  return `${pick(ADJECTIVES, random)} ${pick(ANIMALS, random)}`;
}

/** Trims and shortens a typed nickname; returns '' when nothing usable is left. */
export function cleanNickname(text, max = 40) {
  let out = '';
  for (const ch of String(text).replace(/\s+/g, ' ').trim()) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out.trim();
}
