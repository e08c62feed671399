// The contrast adjustment of a store's theme colour (WCAG AA: 4.5:1 for text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contrast, themeColors } from '../src/theme.js';

/** @param {string} hex */
const rgb = (hex) => /** @type {[number, number, number]} */ ([1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
const WHITE = rgb('#ffffff');

for (const input of ['#1f3a2e', '#ffd1dc', '#8a8a8a', '#ffff00', '#0000ff', '#777', '#ff0000', '#00ff00', '#000000', '#ffffff']) {
  test(`theme ${input}: text on the theme and the accent on white reach AA`, () => {
    const colors = themeColors(input);
    assert.ok(contrast(rgb(colors.theme), rgb(colors.on)) >= 4.5, JSON.stringify(colors));
    assert.ok(contrast(rgb(colors.ink), WHITE) >= 5, JSON.stringify(colors));
  });
}

test('a colour that already passes is kept as it is', () => {
  assert.deepEqual(themeColors('#1f3a2e'), { theme: '#1f3a2e', on: '#ffffff', ink: '#1f3a2e' });
});

test('a light colour keeps its hue and gets dark text', () => {
  const colors = themeColors('#ffd1dc');
  assert.equal(colors.theme, '#ffd1dc');
  assert.equal(colors.on, '#111111');
});

test('anything but #rgb or #rrggbb falls back to the default', () => {
  for (const bad of [undefined, '', 'red', 'rgb(0,0,0)', '#12345', 'url(x)', '#1f3a2e;color:red']) {
    assert.deepEqual(themeColors(bad), themeColors('#1f3a2e'), String(bad));
  }
});
