// Splits message text into plain text and http(s) links. The view turns links into <a> elements
// and everything else into text nodes; nothing is ever parsed as HTML. A link is made only when the host
// that the text shows is the host the browser would open: no user info ("https://bank.example@evil.example"
// opens evil.example), no backslash (parsers disagree on where it ends the host), no escapes in the host.

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
  if (candidate.includes('\\')) return false;
  const shownAuthority = candidate.replace(/^https?:\/\//i, '').split(/[/?#]/, 1)[0];
  if (/[@%]/.test(shownAuthority)) return false;
  let url;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
    && url.username === '' && url.password === '' && sameHost(shownAuthority, url);
}

/**
 * The text's host (and port) is the parsed one, up to case and a written default port. Anything the parser
 * rewrites (numeric forms of an address, non-ASCII names shown in their Unicode form) is left as text.
 */
function sameHost(shown, url) {
  const lower = shown.toLowerCase();
  return lower === url.host || lower === `${url.hostname}:${defaultPort(url)}`;
}

const defaultPort = (url) => (url.protocol === 'https:' ? '443' : '80');
