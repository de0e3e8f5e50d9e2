// Splits message text into plain text and http(s) links. The view turns links into <a> elements
// and everything else into text nodes; nothing is ever parsed as HTML.

const CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', "'", '"', ')', ']', '}', '>']);

/** Returns [{ type: 'text' | 'link', value }] covering the whole input in order. */
export function linkify(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const url = trimTrailing(match[0]);
    if (!isWebUrl(url)) continue;
    if (match.index > last) parts.push({ type: 'text', value: text.slice(last, match.index) });
    parts.push({ type: 'link', value: url });
    last = match.index + url.length;
  }
  if (last < text.length) parts.push({ type: 'text', value: text.slice(last) });
  return parts;
}

/** Drops punctuation that ends a sentence rather than the URL; keeps a ")" that closes a "(" in it. */
function trimTrailing(candidate) {
  let url = candidate;
  while (url.length > 0 && TRAILING.has(url.at(-1))) {
    if (url.at(-1) === ')' && count(url, '(') >= count(url, ')')) break;
    url = url.slice(0, -1);
  }
  return url;
}

const count = (text, ch) => text.split(ch).length - 1;

function isWebUrl(candidate) {
  try {
    const url = new URL(candidate);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
