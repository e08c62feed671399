// The widget on a store's page: styles kept apart both ways, one global, CORS from another
// origin, storage only after the shopper opens the panel, the rollout flag, event reports, no
// layout shift, and failures explained without losing what the shopper typed.
import { test, expect } from '@playwright/test';
import { api, input, lastReply, launcher, openWidget, panel, say, saved, shot, storeOrigin, tap } from './helpers.js';

/** @param {string} [query] */
const store = (query = '') => `${storeOrigin()}/store.html${query}`;

/** Waits until the loader has loaded the app in the background (the page is idle). @param {import('@playwright/test').Page} page */
const appLoaded = (page) => page.waitForFunction(() => !!window.AuroraConcierge?.app);

test('the store’s styles do not reach into the widget', async ({ page }) => {
  await page.goto(store('?hostile=1'));
  await launcher(page).click();
  await expect(lastReply(page).locator('.chip').first()).toBeVisible();
  const inside = await page.evaluate(() => {
    const root = /** @type {ShadowRoot} */ (document.querySelector('aurora-concierge')?.shadowRoot);
    const style = (/** @type {string} */ selector) => getComputedStyle(/** @type {Element} */ (root.querySelector(selector)));
    const chip = style('.chip');
    const text = style('.text');
    const launcherStyle = style('.launcher');
    const host = getComputedStyle(/** @type {Element} */ (document.querySelector('aurora-concierge')));
    return {
      hostPosition: host.position,
      chipBackground: chip.backgroundColor,
      chipFontSize: chip.fontSize,
      textColor: text.color,
      textTransform: text.textTransform,
      letterSpacing: text.letterSpacing,
      font: text.fontFamily,
      panelFontSize: style('.panel').fontSize,
      launcherRadius: launcherStyle.borderRadius,
    };
  });
  expect(inside).toEqual({
    hostPosition: 'fixed',
    chipBackground: 'rgb(255, 255, 255)',
    chipFontSize: '14px',
    textColor: 'rgb(29, 29, 31)',
    textTransform: 'none',
    letterSpacing: 'normal',
    font: expect.not.stringContaining('Comic'),
    panelFontSize: '15px',
    launcherRadius: '50%',
  });
  await shot(page, '60-hostile-store');
});

test('the widget’s styles do not leak out, and it adds one global: AuroraConcierge', async ({ page }) => {
  await page.goto(store());
  const look = () => page.evaluate(() => ['#store-panel', '#store-chip', '#store-button'].map((s) => {
    const c = getComputedStyle(/** @type {Element} */ (document.querySelector(s)));
    return [c.backgroundColor, c.color, c.borderTopColor, c.padding, c.fontFamily].join('|');
  }));
  const before = await look();
  await launcher(page).click();
  await expect(lastReply(page).locator('.chip').first()).toBeVisible();
  await say(page, 'show me rings');
  expect(await look()).toEqual(before);
  const added = await page.evaluate(() => {
    const known = new Set(/** @type {any} */ (window).__globalsBefore);
    return Object.getOwnPropertyNames(window).filter((name) => !known.has(name) && name !== '__globalsBefore');
  });
  expect(added).toEqual(['AuroraConcierge']);
});

test('from another origin (CORS), a shopper searches, shortlists and tracks an order', async ({ page }) => {
  /** @type {{ url: string, origin: string | null, allow: string | null }[]} */
  const calls = [];
  page.on('response', async (response) => {
    if (response.url().startsWith(api() + '/api/')) {
      calls.push({ url: response.url(), origin: (await response.request().allHeaders()).origin ?? null, allow: response.headers()['access-control-allow-origin'] ?? null });
    }
  });
  await page.goto(store());
  await launcher(page).click();
  await expect(lastReply(page).locator('.chip').first()).toBeVisible();
  await say(page, 'rose gold rings under 800');
  const card = lastReply(page).locator('.card').first();
  await expect(card).toBeVisible();
  // The thumbnail loads lazily, after the card is drawn.
  await expect.poll(() => card.locator('img').evaluate((img) => /** @type {HTMLImageElement} */ (img).naturalWidth)).toBeGreaterThan(0);
  await card.getByRole('button', { name: /^Add to shortlist/ }).click();
  await expect(card.getByRole('button', { name: /^On your shortlist/ })).toBeVisible();
  await tap(page, 'Talk to a stylist');
  await say(page, 'where is my order');
  await page.getByRole('textbox', { name: 'Order number' }).last().fill('GG-104052');
  await page.getByRole('textbox', { name: 'Email used for the order' }).last().fill('sofia.martinez@example.com');
  await page.getByRole('button', { name: 'Find my order' }).last().click();
  await expect(lastReply(page).locator('.order')).toBeVisible();
  await shot(page, '61-cross-origin');
  expect(calls.length).toBeGreaterThanOrEqual(5);
  for (const call of calls) {
    expect(call.origin, call.url).toBe(storeOrigin());
    expect(call.allow, call.url).toBe(storeOrigin());
  }
});

test('nothing is stored before the shopper opens the panel but one session bucketing id', async ({ page, context }) => {
  /** @type {string[]} */
  const keys = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/ofrep/v1/evaluate/flags/concierge-widget')) keys.push(JSON.parse(request.postData() || '{}').context?.targetingKey);
  });
  await page.goto(store());
  await expect(launcher(page)).toBeVisible();
  await appLoaded(page);
  const before = await page.evaluate(() => ({
    local: Object.keys(localStorage),
    session: Object.keys(sessionStorage),
    bucket: sessionStorage.getItem('aurora-concierge:bucket'),
    cookie: document.cookie,
  }));
  expect(before.local).toEqual([]);
  expect(before.session).toEqual(['aurora-concierge:bucket']);
  expect(before.bucket).toMatch(/^[0-9a-f-]{36}$/);
  expect(before.cookie).toBe('');
  expect(await context.cookies()).toEqual([]);
  expect(keys).toEqual([before.bucket]);
  // The same tab keeps its id: a rollout counts shoppers, not page views.
  await page.reload();
  await expect(launcher(page)).toBeVisible();
  expect(keys).toEqual([before.bucket, before.bucket]);

  await launcher(page).click();
  await expect(lastReply(page).locator('.chip').first()).toBeVisible();
  const after = await saved(page);
  expect(after.bucket).toBe(before.bucket);
  expect(after.visitor).toBeTruthy();
  expect(after.conversation).toBeTruthy();
  expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual([]);
  expect(await context.cookies()).toEqual([]);
});

test('a store’s own visitor id replaces the bucketing id, and nothing is stored at all before opening', async ({ page }) => {
  /** @type {string[]} */
  const keys = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/concierge-widget')) keys.push(JSON.parse(request.postData() || '{}').context?.targetingKey);
  });
  await page.goto(store('?visitor=store-session-42'));
  await expect(launcher(page)).toBeVisible();
  await appLoaded(page);
  expect(await page.evaluate(() => [Object.keys(localStorage), Object.keys(sessionStorage)])).toEqual([[], []]);
  expect(keys).toEqual(['store-session-42']);
});

test('the rollout flag hides the launcher, except from a shopper with a conversation', async ({ page }) => {
  await page.route('**/ofrep/v1/evaluate/flags/concierge-widget', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', headers: { 'Access-Control-Allow-Origin': '*' }, body: JSON.stringify({ key: 'concierge-widget', value: false, reason: 'SPLIT' }) }));
  await page.goto(store());
  await page.waitForFunction(() => !!window.AuroraConcierge);
  await page.waitForTimeout(500);
  await expect(page.locator('aurora-concierge')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Chat with our concierge' })).toHaveCount(0);

  // A shopper who already talked to the concierge keeps the widget.
  await page.unroute('**/ofrep/v1/evaluate/flags/concierge-widget');
  await page.goto(store());
  await launcher(page).click();
  await expect(lastReply(page).locator('.chip').first()).toBeVisible();
  await page.route('**/ofrep/v1/evaluate/flags/concierge-widget', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', headers: { 'Access-Control-Allow-Origin': '*' }, body: JSON.stringify({ value: false }) }));
  await page.reload();
  await expect(launcher(page)).toBeVisible();
});

test('an unreachable flags endpoint means the widget is on', async ({ page }) => {
  await page.route('**/ofrep/v1/evaluate/flags/concierge-widget', (route) => route.abort('connectionrefused'));
  await page.goto(store());
  await expect(launcher(page)).toBeVisible();
});

test('loads, opens, details opened, shortlists and closes are reported in one batch the events endpoint accepts', async ({ page, request }) => {
  /** @type {any[]} */
  const reports = [];
  await page.route('**/api/support/events', async (route) => {
    reports.push(JSON.parse(route.request().postData() || '{}'));
    await route.fulfill({ status: 204 });
  });
  await page.goto(store());
  await launcher(page).click();
  await expect(panel(page)).toBeVisible();
  // The welcome first: `say` counts the replies before it types.
  await expect(page.locator('.msg.bot')).toHaveCount(1);
  await say(page, 'rose gold rings');
  const card = lastReply(page).locator('.card').first();
  const title = (await card.locator('.ptitle').textContent()) || '';
  await card.getByRole('button', { name: `Details: ${title}` }).click();
  await card.getByRole('button', { name: `Add to shortlist: ${title}` }).click();
  await expect(card.getByRole('button', { name: new RegExp(`On your shortlist: ${title}`) })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(panel(page)).toBeHidden();
  // The tab going to the background sends what is queued.
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  // One batch, unless the loader's 5 s timer sent `load` alone before the panel opened.
  await expect
    .poll(() => reports.flatMap((r) => r.events))
    .toEqual([{ type: 'load' }, { type: 'open' }, { type: 'details' }, { type: 'shortlist' }, { type: 'close' }]);
  // The same batch, as sendBeacon sends it (text/plain), to the real endpoint.
  const accepted = await request.post(`${api()}/api/support/events`, { data: JSON.stringify({ events: reports.flatMap((r) => r.events) }), headers: { 'Content-Type': 'text/plain;charset=UTF-8' } });
  expect(accepted.status()).toBe(202);
});

test('the widget causes no layout shift on the store’s page', async ({ page }) => {
  await page.addInitScript(() => {
    /** @type {any} */ (window).__shifts = [];
    new PerformanceObserver((list) => {
      for (const entry of /** @type {any[]} */ (list.getEntries())) /** @type {any} */ (window).__shifts.push({ value: entry.value, recent: entry.hadRecentInput });
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(api() + '/');
  await expect(launcher(page)).toBeVisible();
  await appLoaded(page);
  await launcher(page).click();
  // `say` counts the concierge's messages before it types: wait for the welcome first.
  await expect(lastReply(page).locator('.chip').first()).toBeVisible();
  await say(page, 'ready to ship necklaces');
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  const shifts = await page.evaluate(() => /** @type {any} */ (window).__shifts);
  const cls = shifts.reduce((sum, /** @type {{value: number}} */ s) => sum + s.value, 0);
  expect(cls).toBe(0);
});

test('on a phone the panel is full screen with 16 px inputs', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
  const page = await context.newPage();
  await openWidget(page);
  await say(page, 'ready to ship rings');
  await expect.poll(() => panel(page).boundingBox()).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });
  await input(page).tap();
  await expect(input(page)).toBeFocused();
  await expect(input(page)).toBeInViewport();
  expect(await input(page).evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');
  await shot(page, '52-phone', 'widget-phone.png');
  await context.close();
});

test('a failed message is kept and its retry carries the same Idempotency-Key', async ({ page }) => {
  await openWidget(page);
  /** @type {string[]} */
  const keys = [];
  let attempt = 0;
  await page.route('**/messages', async (route) => {
    keys.push((await route.request().allHeaders())['idempotency-key']);
    attempt += 1;
    if (attempt === 1) await route.abort('connectionreset');
    else await route.continue();
  });
  await input(page).fill('show me platinum rings');
  await input(page).press('Enter');
  await expect(page.getByRole('alert')).toContainText('Your message is kept');
  await expect(input(page)).toHaveValue('show me platinum rings');
  expect((await saved(page)).draft).toBe('show me platinum rings');
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(lastReply(page).locator('.card').first()).toBeVisible();
  await expect(input(page)).toHaveValue('');
  await expect(page.getByRole('alert').filter({ hasText: 'kept' })).toHaveCount(0);
  expect(keys).toHaveLength(2);
  expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
  expect(keys[1]).toBe(keys[0]);
});

test('offline, the shopper is told so, keeps the text, and can send it once back online', async ({ page, context }) => {
  await openWidget(page);
  await context.setOffline(true);
  await input(page).fill('gold hoop earrings');
  await input(page).press('Enter');
  await expect(page.getByRole('alert')).toContainText('You seem to be offline');
  await expect(input(page)).toHaveValue('gold hoop earrings');
  await shot(page, '42-offline');
  await context.setOffline(false);
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.locator('.msg.me').last()).toHaveText(/gold hoop earrings/);
  await expect(lastReply(page).locator('.card').first()).toBeVisible();
});

test('rate limited: a friendly message, and a retry once the wait is over', async ({ page }) => {
  await openWidget(page);
  await page.route('**/messages', (route) => route.fulfill({
    status: 429, headers: { 'Retry-After': '1', 'Content-Type': 'application/problem+json' },
    body: JSON.stringify({ code: 'rate_limited', title: 'Too many requests', status: 429 }),
  }), { times: 1 });
  await input(page).fill('bracelets');
  await input(page).press('Enter');
  await expect(page.getByRole('alert')).toContainText('Please wait a second and try again');
  await expect(input(page)).toHaveValue('bracelets');
  await expect(page.getByRole('button', { name: 'Try again' })).toBeEnabled({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(lastReply(page).locator('.card').first()).toBeVisible();
});

test('the kill switch: a paused notice with the store’s contact, no retry and no retry loop', async ({ page }) => {
  await page.goto(store('?contact=' + encodeURIComponent('hello@store.example')));
  await launcher(page).click();
  await expect(lastReply(page).locator('.chip').first()).toBeVisible();
  let calls = 0;
  await page.route('**/messages', (route) => {
    calls += 1;
    return route.fulfill({
      status: 503, headers: { 'Content-Type': 'application/problem+json', 'Access-Control-Allow-Origin': '*' },
      body: JSON.stringify({ code: 'concierge_disabled', title: 'The concierge is paused', status: 503 }),
    });
  });
  await input(page).fill('rings');
  await input(page).press('Enter');
  await expect(lastReply(page).locator('.notice')).toHaveText(/The concierge is paused right now\. You can reach the store at hello@store\.example\./);
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await expect(input(page)).toBeDisabled();
  await expect(input(page)).toHaveValue('rings');
  await shot(page, '43-paused');
  await page.waitForTimeout(1500);
  expect(calls).toBe(1);
});

test('a visitor token the server no longer accepts starts a new conversation', async ({ page }) => {
  await page.addInitScript(() => {
    if (!sessionStorage.getItem('seeded')) {
      sessionStorage.setItem('seeded', '1');
      localStorage.setItem('aurora-concierge', JSON.stringify({ visitor: 'v1.forged.token', conversation: '00000000-0000-0000-0000-000000000000' }));
    }
  });
  await openWidget(page);
  const state = await saved(page);
  expect(state.visitor).not.toBe('v1.forged.token');
  expect(state.conversation).not.toBe('00000000-0000-0000-0000-000000000000');
  await say(page, 'earrings');
  await expect(lastReply(page).locator('.card').first()).toBeVisible();
});

test('after “End chat”, the next message starts a new conversation by itself', async ({ page }) => {
  await openWidget(page);
  await say(page, 'rings');
  await say(page, 'under 1000');
  await page.getByRole('button', { name: 'End chat' }).click();
  await expect(lastReply(page)).toContainText('The conversation has ended');
  await expect(lastReply(page).getByRole('form', { name: /Rate this conversation/ })).toBeVisible();
  const ended = (await saved(page)).conversation;
  await input(page).fill('necklaces');
  await input(page).press('Enter');
  await expect(page.locator('.divider')).toHaveText('New conversation');
  await expect(lastReply(page).locator('.card').first()).toBeVisible();
  expect((await saved(page)).conversation).not.toBe(ended);
});
