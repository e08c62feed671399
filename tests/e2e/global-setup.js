// Starts what the tests run against:
// - the real binary, `aurora demo`, on a fresh SQLite database and a free port (it serves the
//   demo storefront, the API and the widget's assets);
// - a small Node server on another port, playing a real store's site: /store.html embeds the
//   widget with the aurora origin (cross-origin, so CORS is exercised), and /hooks records the
//   ticket webhooks aurora posts.
// The URLs reach the tests through process.env; the returned function stops both.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { storePage } from './fixtures/store-page.js';

const repo = resolve(import.meta.dirname, '../..');
/** The secret the tests sign Shopify webhooks with (integrations.spec.js). */
export const SHOPIFY_WEBHOOK_SECRET = 'e2e-shopify-webhook-secret';

export default async function globalSetup() {
  const binary = process.env.AURORA_BIN || join(repo, 'target/debug/aurora');
  /** @type {unknown[]} */
  const hooks = [];
  let apiOrigin = '';
  const store = createServer((req, res) => {
    const url = new URL(req.url || '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/hooks') {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        try {
          hooks.push(JSON.parse(body));
        } catch {
          hooks.push({ unparsable: body });
        }
        res.writeHead(204).end();
      });
      return;
    }
    if (url.pathname === '/hooks') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(hooks));
      return;
    }
    if (url.pathname === '/store.html' || url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(storePage(apiOrigin, Object.fromEntries(url.searchParams)));
      return;
    }
    res.writeHead(404).end('not found');
  });
  await new Promise((done) => store.listen(0, '127.0.0.1', () => done(undefined)));
  const address = store.address();
  const storeOrigin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const dir = mkdtempSync(join(tmpdir(), 'aurora-e2e-'));
  const aurora = spawn(binary, ['demo'], {
    cwd: dir,
    env: {
      ...process.env,
      AURORA_DATABASE_URL: `sqlite:${join(dir, 'demo.db')}`,
      AURORA_LISTEN: '127.0.0.1:0',
      AURORA_ALLOWED_ORIGINS: storeOrigin,
      AURORA_WEBHOOK_URL: `${storeOrigin}/hooks`,
      AURORA_RATE_LIMIT_VISITOR_PER_MINUTE: '100000',
      AURORA_RATE_LIMIT_IP_PER_MINUTE: '100000',
      AURORA_ORDER_LOOKUPS_PER_15_MINUTES: '100000',
      AURORA_LOG: 'warn',
      AURORA_SHOPIFY_WEBHOOK_SECRET: SHOPIFY_WEBHOOK_SECRET,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  apiOrigin = await new Promise((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`aurora did not start within 60 s:\n${out}`)), 60_000);
    aurora.on('error', (error) => fail(new Error(`cannot run ${binary} (run \`cargo build -p aurora\` first): ${error.message}`)));
    aurora.on('exit', (code) => fail(new Error(`aurora exited with ${code}:\n${out}`)));
    aurora.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /Aurora Concierge is listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        done(match[1]);
      }
    });
  });
  process.env.AURORA_ORIGIN = apiOrigin;
  process.env.STORE_ORIGIN = storeOrigin;
  process.env.AURORA_DB = join(dir, 'demo.db');

  return async () => {
    aurora.kill('SIGTERM');
    await new Promise((done) => {
      if (aurora.exitCode !== null) return done(undefined);
      aurora.on('exit', () => done(undefined));
      setTimeout(() => done(undefined), 5000);
    });
    store.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
