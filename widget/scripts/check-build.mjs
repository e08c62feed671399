// Fails when dist/ is not what the sources build to: rebuilds into a temporary directory and
// compares byte for byte. Run `npm run build` and commit dist/ to fix.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const temp = mkdtempSync(join(tmpdir(), 'aurora-widget-'));
try {
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), temp], { stdio: 'ignore', env: { ...process.env, WIDGET_LOCALE: 'en' } });
  const stale = ['widget.js', 'widget-app.js'].filter((name) => {
    try {
      return !readFileSync(join(root, 'dist', name)).equals(readFileSync(join(temp, name)));
    } catch {
      return true;
    }
  });
  if (stale.length) {
    console.error(`widget/dist is stale (${stale.join(', ')}): run \`cd widget && npm run build\` and commit widget/dist/.`);
    process.exit(1);
  }
  console.log('widget/dist is up to date with widget/src');
} finally {
  rmSync(temp, { recursive: true, force: true });
}
