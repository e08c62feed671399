// The real kill switch: a second `aurora demo` started with AURORA_CONCIERGE_ENABLED=false.
// The loader draws nothing for a new shopper; a shopper with a conversation keeps the widget and
// is told the concierge is paused, with the store's contact, and nothing retries.
import { test, expect } from '@playwright/test';
import { input, lastReply, launcher, shot, startDemo } from './helpers.js';

let origin = '';
/** @type {() => Promise<void>} */
let stop = async () => {};

test.beforeAll(async () => {
  // Starting a second server on a loaded machine may take longer than a test.
  test.setTimeout(90_000);
  // Its 503s are the point here, not news.
  ({ origin, stop } = await startDemo({ AURORA_CONCIERGE_ENABLED: 'false', AURORA_LOG: 'off' }));
  // The loader takes a flag answer slower than 3 s for "on": the first answer of a fresh debug
  // build may be slow, so one is asked for before the tests.
  const warm = await fetch(`${origin}/ofrep/v1/evaluate/flags/concierge-widget`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"context":{"targetingKey":"warm-up"}}' });
  expect(warm.status).toBe(200);
});

test.afterAll(async () => stop());

test('with the kill switch off, a new shopper sees no launcher and downloads nothing beyond the loader', async ({ page }) => {
  /** @type {unknown[]} */
  const flags = [];
  /** @type {string[]} */
  const scripts = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
  });
  page.on('response', async (response) => {
    if (response.url().endsWith('/ofrep/v1/evaluate/flags/concierge-widget')) flags.push(await response.json());
  });
  await page.goto(origin + '/');
  await page.waitForFunction(() => !!window.AuroraConcierge);
  await expect.poll(() => flags.length).toBe(1);
  expect(flags[0]).toMatchObject({ key: 'concierge-widget', value: false });
  await expect(page.locator('aurora-concierge')).toHaveCount(0);
  // Even once the page is idle (when an enabled loader fetches the app), only the loader came.
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1500);
  expect(scripts).toEqual(['/widget.js']);
});

test('with the kill switch off, a shopper with a conversation is told the concierge is paused', async ({ page }) => {
  await page.addInitScript(() => {
    if (!sessionStorage.getItem('seeded')) {
      sessionStorage.setItem('seeded', '1');
      localStorage.setItem('aurora-concierge', JSON.stringify({ conversation: 'from-before-the-pause', draft: 'my ring size' }));
    }
  });
  /** @type {string[]} */
  const posts = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().includes('/api/support/conversations')) posts.push(request.url());
  });
  await page.goto(origin + '/');
  await launcher(page).click();
  await expect(lastReply(page).locator('.notice')).toHaveText(/The concierge is paused right now\. You can reach us at hello@gildedgrove\.example/);
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await expect(input(page)).toBeDisabled();
  await expect(input(page)).toHaveValue('my ring size');
  await shot(page, '44-kill-switch');
  await page.waitForTimeout(1500);
  expect(posts).toHaveLength(1);
});
