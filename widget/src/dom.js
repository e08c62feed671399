// Building DOM without HTML strings: every piece of text becomes a text node, so server text is
// always shown as text, never parsed as markup.

/** @typedef {Node | string | number | null | undefined | false} Child */

/**
 * An element with attributes (`on*` functions become listeners; `true` is an empty attribute,
 * `null`/`false`/`undefined` are left out) and children (strings become text nodes).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';

/** Icons (24×24 paths), decorative: the element next to them carries the words. */
export const icons = {
  close: 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z',
  send: 'M3 20.5 21.5 12 3 3.5v6.6L15 12 3 13.9z',
  star: 'M12 2.5l2.9 6 6.6.9-4.8 4.6 1.2 6.5L12 17.4l-5.9 3.1 1.2-6.5L2.5 9.4l6.6-.9z',
  check: 'M9.5 16.2 5.3 12l-1.4 1.4 5.6 5.6L20.1 8.4 18.7 7z',
  heart: 'M12 20.3 10.6 19C5.5 14.4 2.2 11.4 2.2 7.7 2.2 4.7 4.6 2.3 7.6 2.3c1.7 0 3.3.8 4.4 2 1.1-1.2 2.7-2 4.4-2 3 0 5.4 2.4 5.4 5.4 0 3.7-3.3 6.7-8.4 11.3z',
  alert: 'M12 2 1 21h22zm1 15h-2v-2h2zm0-4h-2V9h2z',
  info: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 15h-2v-6h2zm0-8h-2V7h2z',
};

/** @param {string} path @param {string} [cls] @returns {SVGSVGElement} */
export function icon(path, cls) {
  const svg = /** @type {SVGSVGElement} */ (document.createElementNS(SVG, 'svg'));
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'icon' + (cls ? ' ' + cls : ''));
  const p = document.createElementNS(SVG, 'path');
  p.setAttribute('d', path);
  svg.append(p);
  return svg;
}

let counter = 0;
/** An id unique within the shadow root. @param {string} prefix */
export const nextId = (prefix) => `ac-${prefix}-${++counter}`;

/**
 * An absolute http(s) URL for `value`, relative ones resolved against the API's origin (the
 * catalog's images and pages live there); anything else (javascript:, data:…) becomes null.
 * @param {string | undefined} value @param {string} base
 */
export function safeUrl(value, base) {
  if (!value) return null;
  try {
    const url = new URL(value, base + '/');
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}
