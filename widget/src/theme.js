// The store's theme colour, adjusted so that text on it and the accent on white both reach
// WCAG AA contrast (4.5:1). Only #rgb and #rrggbb are accepted; anything else gets the default.

/** @typedef {[number, number, number]} Rgb */

const DEFAULT = '#1f3a2e';
const DARK_TEXT = '#111111';

/** @param {string | undefined} value @returns {Rgb | null} */
function parse(value) {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec((value || '').trim());
  if (!m) return null;
  let hex = m[1];
  if (hex.length === 3) hex = hex.replace(/./g, '$&$&');
  const n = parseInt(hex, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** @param {Rgb} rgb */
function luminance(rgb) {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** @param {Rgb} a @param {Rgb} b */
export function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** @param {Rgb} rgb */
const darker = (rgb) => /** @type {Rgb} */ (rgb.map((c) => Math.floor(c * 0.92)));

/** @param {Rgb} rgb */
const hex = (rgb) => '#' + rgb.map((c) => (c + 256).toString(16).slice(1)).join('');

/**
 * The colours the widget paints with: `theme` (launcher, header, the shopper's bubbles), `on`
 * (text on it) and `ink` (the accent as text and borders on white, at least 5:1 so it also
 * holds on the light grey of the concierge's bubbles).
 * @param {string | undefined} value
 */
export function themeColors(value) {
  const input = parse(value) || /** @type {Rgb} */ (parse(DEFAULT));
  const white = /** @type {Rgb} */ ([255, 255, 255]);
  const dark = /** @type {Rgb} */ (parse(DARK_TEXT));
  let theme = input;
  let on = '#ffffff';
  for (;;) {
    if (contrast(theme, white) >= 4.5) break;
    if (contrast(theme, dark) >= 4.5) {
      on = DARK_TEXT;
      break;
    }
    theme = darker(theme);
  }
  let ink = input;
  while (contrast(ink, white) < 5) ink = darker(ink);
  return { theme: hex(theme), on, ink: hex(ink) };
}
