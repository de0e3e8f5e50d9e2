// Tiny DOM helpers: elements are built with createElement and text with textContent, never from HTML.

/**
 * el('span', { className: 'nick', text: 'Otter', dataset: { seq: '4' }, attrs: { datetime: '…' } }, child…)
 */
export function el(tag, { className, text, dataset, attrs } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  if (dataset) Object.assign(node.dataset, dataset);
  if (attrs) for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child) node.append(child);
  return node;
}

export function byId(id) {
  return document.getElementById(id);
}
