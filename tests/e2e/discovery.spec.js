// Product discovery, as a shopper on the demo store does it.
import { test, expect } from '@playwright/test';
import { api, input, lastReply, launcher, openWidget, panel, prices, say, saved, shot, tap } from './helpers.js';

test('opening the widget shows the welcome, with focus in the message box, under the demo’s strict CSP', async ({ page }) => {
  /** @type {string[]} */
  const problems = [];
  page.on('console', (message) => {
    // A failed load is checked below by its URL (the demo store has no favicon).
    if ((message.type() === 'error' || message.type() === 'warning') && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) problems.push(`${response.status()} ${response.url()}`);
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(api() + '/');
  await expect(launcher(page)).toBeVisible();
  await expect(launcher(page)).toHaveAttribute('aria-expanded', 'false');
  await shot(page, '01-closed');
  await launcher(page).click();
  await expect(panel(page)).toBeVisible();
  await expect(launcher(page)).toHaveAttribute('aria-expanded', 'true');
  await expect(lastReply(page)).toContainText("I'm the Gilded Grove concierge");
  await expect(input(page)).toBeFocused();
  await shot(page, '02-welcome');
  // The CSP (style-src 'self', no inline scripts) blocks nothing of the widget's.
  expect(problems).toEqual([]);
});

test('“Ready to ship” shows only pieces ready to ship', async ({ page }) => {
  await openWidget(page);
  await tap(page, 'Ready to ship');
  const cards = lastReply(page).locator('.card');
  await expect(cards.first()).toBeVisible();
  const count = await cards.count();
  expect(count).toBeGreaterThan(0);
  await expect(lastReply(page).locator('.card .badge', { hasText: 'Ready to ship' })).toHaveCount(count);
  await expect(lastReply(page).getByRole('group', { name: 'Active filters' })).toContainText('Ready to ship');
  for (const image of await cards.locator('img').all()) {
    expect(await image.getAttribute('alt')).toBeTruthy();
  }
  await shot(page, '03-ready-to-ship');
});

/** The catalog categories of the cards of the latest reply. @param {import('@playwright/test').Page} page @param {import('@playwright/test').APIRequestContext} request */
async function categories(page, request) {
  const ids = await lastReply(page).locator('.card [data-sl]').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-sl')));
  expect(ids.length).toBeGreaterThan(0);
  return Promise.all(ids.map(async (id) => (await (await request.get(`${api()}/api/support/products/${id}`)).json()).category));
}

test('“show me rings” recommends rings, and “under 500” holds for every card', async ({ page, request }) => {
  await openWidget(page);
  await say(page, 'show me rings');
  for (const category of await categories(page, request)) expect(category).toBe('rings');
  await say(page, 'under 500');
  const shown = await prices(page);
  expect(shown.length).toBeGreaterThan(0);
  for (const price of shown) expect(price).toBeLessThanOrEqual(500);
  for (const category of await categories(page, request)) expect(category).toBe('rings');
  await expect(lastReply(page).getByRole('button', { name: 'Remove filter: Under $500' })).toBeVisible();
  await shot(page, '04-rings-under-500', 'storefront.png');
  // Removing a filter chip sends its action: the price limit goes, the category stays.
  await lastReply(page).getByRole('button', { name: 'Remove filter: Under $500' }).click();
  await expect(lastReply(page).getByRole('group', { name: 'Active filters' })).not.toContainText('Under');
  await expect(lastReply(page).getByRole('group', { name: 'Active filters' })).toContainText('Rings');
});

test('“what is your cheapest ring” shows rings cheapest first, with the order as a chip', async ({ page }) => {
  await openWidget(page);
  await say(page, 'what is your cheapest ring');
  const shown = await prices(page);
  expect(shown.length).toBeGreaterThan(1);
  expect([...shown].sort((a, b) => a - b)).toEqual(shown);
  await expect(lastReply(page)).toContainText('cheapest first');
  await lastReply(page).getByRole('button', { name: 'Remove filter: Cheapest first' }).click();
  await expect(lastReply(page).getByRole('group', { name: 'Active filters' })).not.toContainText('Cheapest');
  await expect(lastReply(page).getByRole('group', { name: 'Active filters' })).toContainText('Rings');
});

test('a piece added to the shortlist is on the visitor’s shortlist, and its details open', async ({ page, request }) => {
  await openWidget(page);
  await say(page, 'rose gold earrings');
  const card = lastReply(page).locator('.card').first();
  const title = (await card.locator('.ptitle').textContent()) || '';
  await card.getByRole('button', { name: `Add to shortlist: ${title}` }).click();
  await expect(card.getByRole('button', { name: new RegExp(`On your shortlist: ${title}`) })).toBeVisible();
  const { visitor } = await saved(page);
  const list = await request.get(api() + '/api/support/shortlist', { headers: { 'X-Aurora-Visitor': visitor } });
  expect((await list.json()).products.map((/** @type {{title: string}} */ p) => p.title)).toContain(title);

  const details = card.getByRole('button', { name: `Details: ${title}` });
  await details.click();
  await expect(details).toHaveAttribute('aria-expanded', 'true');
  const more = card.locator('.more');
  await expect(more.getByRole('link', { name: 'View the product page' })).toHaveAttribute('href', /\/products\//);
  await expect(more.locator('p').first()).not.toBeEmpty();
  await shot(page, '05-details-and-shortlist');

  // The shortlist survives a reload: the card says so again.
  await page.reload();
  await launcher(page).click();
  await expect(page.getByRole('button', { name: new RegExp(`On your shortlist: ${title}`) }).first()).toBeVisible();
});

test('a search with no results offers the nearest alternatives and a stylist', async ({ page }) => {
  await openWidget(page);
  await say(page, 'platinum rings under $300');
  await expect(lastReply(page)).toContainText('No platinum rings under $300');
  await expect(lastReply(page).locator('.card').first()).toBeVisible();
  await expect(lastReply(page).getByRole('button', { name: 'Talk to a stylist' })).toBeVisible();
  await shot(page, '06-no-results');
});

test('the conversation survives a reload and a move to another page of the store', async ({ page }) => {
  await openWidget(page);
  await say(page, 'vintage necklaces');
  const firstTitle = await lastReply(page).locator('.card .ptitle').first().textContent();
  await page.reload();
  await launcher(page).click();
  await expect(page.locator('.msg.me').filter({ hasText: 'vintage necklaces' })).toBeVisible();
  await expect(page.locator('.card .ptitle').filter({ hasText: firstTitle || '' }).first()).toBeVisible();
  await expect(page.locator('.msg.bot', { hasText: "I'm the Gilded Grove concierge" })).toHaveCount(1);

  await page.goto(api() + '/?category=rings');
  await launcher(page).click();
  await expect(page.locator('.msg.me').filter({ hasText: 'vintage necklaces' })).toBeVisible();
  // A quick reply tapped before the reload shows its label, not its action.
  await tap(page, 'Clear filters');
  await page.reload();
  await launcher(page).click();
  await expect(page.locator('.msg.me').filter({ hasText: 'Clear filters' })).toBeVisible();
});

test('while a reply is on its way the input is disabled and the typing indicator shows', async ({ page }) => {
  await openWidget(page);
  /** @type {() => void} */
  let release = () => {};
  const held = new Promise((done) => (release = () => done(undefined)));
  await page.route('**/messages', async (route) => {
    await held;
    await route.continue();
  });
  await input(page).fill('show me bracelets');
  await input(page).press('Enter');
  await expect(input(page)).toBeDisabled();
  await expect(page.locator('aurora-concierge .typing')).toBeVisible();
  await expect(page.locator('aurora-concierge [role=status]')).toHaveText('The concierge is typing…');
  await shot(page, '07-typing');
  release();
  await expect(lastReply(page).locator('.card').first()).toBeVisible();
  await expect(input(page)).toBeEnabled();
  await expect(page.locator('aurora-concierge .typing')).toBeHidden();
  await expect(input(page)).toBeFocused();
});

test('text is always shown as text, never run as HTML', async ({ page }) => {
  await openWidget(page);
  const attack = '<img src=x onerror="window.__owned=1"> rings';
  await say(page, attack);
  await expect(page.locator('.msg.me').last()).toHaveText(`You: ${attack}`);
  // The server echoes the words as a filter chip; that is text too.
  await expect(page.locator('aurora-concierge .msg img:not(.thumb)')).toHaveCount(0);
  expect(await page.evaluate(() => /** @type {any} */ (window).__owned)).toBeUndefined();
});
