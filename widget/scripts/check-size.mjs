// The size budgets, gzipped (level 9, as a CDN would; deterministic): the loader every page
// loads at most 3 KB; everything loaded by the time the panel first opens (loader + app, with its
// CSS and icons) at most 30 KB. Prints the sizes; fails when a budget is exceeded.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'dist');
const KB = 1024;
const size = (/** @type {string} */ name) => {
  const bytes = readFileSync(join(dist, name));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
const loader = size('widget.js');
const app = size('widget-app.js');
const firstOpen = loader.gzip + app.gzip;
const budgets = [
  ['loader (widget.js)', loader.gzip, 3 * KB],
  ['first open (widget.js + widget-app.js)', firstOpen, 30 * KB],
];
const kb = (/** @type {number} */ n) => `${(n / KB).toFixed(2)} KB`;
console.log(`widget.js      ${kb(loader.raw)} minified, ${kb(loader.gzip)} gzipped`);
console.log(`widget-app.js  ${kb(app.raw)} minified, ${kb(app.gzip)} gzipped`);
let failed = false;
for (const [name, actual, budget] of budgets) {
  const ok = actual <= budget;
  failed ||= !ok;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${kb(actual)} of ${kb(budget)}`);
}
if (failed) process.exit(1);
