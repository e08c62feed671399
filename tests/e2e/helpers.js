// Shared steps of the widget's browser tests.
import { expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { spawn } from 'node:child_process';
import { mkdirSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const api = () => /** @type {string} */ (process.env.AURORA_ORIGIN);
export const storeOrigin = () => /** @type {string} */ (process.env.STORE_ORIGIN);

const SHOTS = resolve(import.meta.dirname, 'screenshots');
const DOCS = resolve(import.meta.dirname, '../../docs/screenshots');

/** @param {import('@playwright/test').Page} page */
export const launcher = (page) => page.getByRole('button', { name: 'Chat with our concierge' });
/** @param {import('@playwright/test').Page} page */
export const panel = (page) => page.getByRole('dialog', { name: 'Concierge' });
/** @param {import('@playwright/test').Page} page */
export const input = (page) => page.getByRole('textbox', { name: 'Message' });
/** The concierge's latest message. @param {import('@playwright/test').Page} page */
export const lastReply = (page) => page.locator('.msg.bot').last();
/** @param {import('@playwright/test').Page} page */
export const liveRegion = (page) => page.locator('aurora-concierge [role=status]');

/** Opens the demo store (or `path`) and the widget, and waits for the welcome. @param {import('@playwright/test').Page} page */
export async function openWidget(page, path = '/') {
  await page.goto(path.startsWith('http') ? path : api() + path);
  await launcher(page).click();
  await expect(panel(page)).toBeVisible();
  await expect(page.locator('.msg.bot .chip', { hasText: 'Talk to a stylist' }).first()).toBeVisible();
}

/** Types `text` and presses Enter, then waits for the answer. @param {import('@playwright/test').Page} page @param {string} text */
export async function say(page, text) {
  const replies = await page.locator('.msg.bot').count();
  await input(page).fill(text);
  await input(page).press('Enter');
  await expect(page.locator('.msg.bot')).toHaveCount(replies + 1);
  await expect(input(page)).not.toHaveAttribute('aria-disabled', 'true');
}

/** Taps a quick reply of the latest message and waits for the answer. @param {import('@playwright/test').Page} page @param {string} label */
export async function tap(page, label) {
  const replies = await page.locator('.msg.bot').count();
  await lastReply(page).getByRole('button', { name: label, exact: true }).click();
  await expect(page.locator('.msg.bot')).toHaveCount(replies + 1);
}

/** The prices of the product cards of the latest reply, as numbers. @param {import('@playwright/test').Page} page */
export async function prices(page) {
  const texts = await lastReply(page).locator('.card .price').allTextContents();
  return texts.map((t) => Number(t.replace(/[^0-9.]/g, '')));
}

/**
 * No WCAG 2.0/2.1 A or AA violation on the page, the widget's shadow DOM included.
 * @param {import('@playwright/test').Page} page @param {string} state what is on screen (for the message)
 */
export async function expectAccessible(page, state) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n    ')}`);
  expect(found, `axe violations with ${state}`).toEqual([]);
}

/**
 * Saves a screenshot of a main state into tests/e2e/screenshots/; with AURORA_DOCS_SCREENSHOTS=1
 * also into docs/screenshots/ as `docsName` (the README shows those).
 * @param {import('@playwright/test').Page} page @param {string} name @param {string} [docsName]
 */
export async function shot(page, name, docsName) {
  mkdirSync(SHOTS, { recursive: true });
  const file = join(SHOTS, `${name}.png`);
  // Let the panel's entrance animation and lazy images settle.
  await page.waitForTimeout(250);
  await page.screenshot({ path: file });
  if (docsName && process.env.AURORA_DOCS_SCREENSHOTS === '1') {
    mkdirSync(DOCS, { recursive: true });
    copyFileSync(file, join(DOCS, docsName));
  }
}

/** The widget's saved state (localStorage). @param {import('@playwright/test').Page} page */
export async function saved(page) {
  return page.evaluate(() => JSON.parse(localStorage.getItem('aurora-concierge') || '{}'));
}

/**
 * Starts an `aurora demo` of its own (on a fresh database, a free port), for tests that change
 * what the shared one serves; resolves with its origin and a function that stops it.
 * @param {Record<string, string>} env settings for it (AURORA_*)
 * @returns {Promise<{ origin: string, stop: () => Promise<void> }>}
 */
export async function startDemo(env) {
  const dir = mkdtempSync(join(tmpdir(), 'aurora-e2e-own-'));
  const aurora = spawn(process.env.AURORA_BIN || resolve(import.meta.dirname, '../../target/debug/aurora'), ['demo'], {
    cwd: dir,
    env: { ...process.env, AURORA_DATABASE_URL: `sqlite:${join(dir, 'demo.db')}`, AURORA_LISTEN: '127.0.0.1:0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const origin = await new Promise((done, fail) => {
    let out = '';
    aurora.on('exit', (code) => fail(new Error(`aurora exited with ${code}:\n${out}`)));
    aurora.on('error', fail);
    aurora.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) done(match[1]);
    });
  });
  const stop = async () => {
    aurora.kill('SIGTERM');
    await new Promise((done) => (aurora.exitCode !== null ? done(undefined) : aurora.on('exit', done)));
    rmSync(dir, { recursive: true, force: true });
  };
  return { origin: /** @type {string} */ (origin), stop };
}
