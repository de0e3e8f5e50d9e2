import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatCode, generateCode, parseCode, parseCodeOrLink,
} from '../../main/webapp/js/roomcode.js';

const SEQUENTIAL = Uint8Array.from({ length: 16 }, (_, i) => i);
const SEQUENTIAL_CODE = '000G-40R4-0M30-E209-185G-R38E-1W';

test('formats the known code of bytes 00..0f', () => {
  assert.equal(formatCode(SEQUENTIAL), SEQUENTIAL_CODE);
  assert.equal(formatCode(new Uint8Array(16)), '0000-0000-0000-0000-0000-0000-00');
  assert.equal(formatCode(new Uint8Array(16).fill(0xff)), 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZW');
});

test('parse undoes format for random codes', () => {
  for (let i = 0; i < 200; i += 1) {
    const bytes = generateCode();
    assert.equal(bytes.length, 16);
    const formatted = formatCode(bytes);
    assert.match(formatted, /^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{2}$/);
    assert.deepEqual(parseCode(formatted), bytes);
  }
});

test('parsing ignores case, spaces and dashes and maps O, I and L', () => {
  assert.deepEqual(parseCode(SEQUENTIAL_CODE.toLowerCase()), SEQUENTIAL);
  assert.deepEqual(parseCode(' 000g40r4 0m30e209185gr38e1w '), SEQUENTIAL);
  assert.deepEqual(parseCode('OOOG-4OR4-OM3O-E2O9-i85G-R38E-lW'), SEQUENTIAL);
});

test('parsing rejects bad input', () => {
  assert.equal(parseCode(''), null);
  assert.equal(parseCode(SEQUENTIAL_CODE.slice(0, -1)), null, 'too short');
  assert.equal(parseCode(`${SEQUENTIAL_CODE}0`), null, 'too long');
  assert.equal(parseCode(SEQUENTIAL_CODE.replace('G', 'U')), null, 'U is not in the alphabet');
  assert.equal(parseCode(SEQUENTIAL_CODE.replace('E', '*')), null);
  assert.equal(parseCode('000G-40R4-0M30-E209-185G-R38E-1X'), null, 'non-zero padding bits');
  assert.equal(parseCode('ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZ'), null, 'non-zero padding bits');
  assert.equal(parseCode(null), null);
  assert.throws(() => formatCode(new Uint8Array(15)));
});

test('a whole invite link or a bare code is accepted', () => {
  assert.deepEqual(parseCodeOrLink(`https://sotto.example/#${SEQUENTIAL_CODE}`), SEQUENTIAL);
  assert.deepEqual(parseCodeOrLink(`  ${SEQUENTIAL_CODE}\n`), SEQUENTIAL);
  assert.equal(parseCodeOrLink('https://sotto.example/'), null);
  assert.equal(parseCodeOrLink('https://sotto.example/#nope'), null);
});
