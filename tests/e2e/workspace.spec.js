// The support workspace in a real browser, on its own `aurora demo` (its flag changes must not
// touch the other specs' widget): axe on every page in each of its states, a keyboard-only walk
// through the day's work, hostile shopper text shown inert, and the kill switch turned off in
// the workspace hiding the widget on the demo store.
import { test, expect } from '@playwright/test';
import { expectAccessible, launcher, shot, startDemo } from './helpers.js';

// The demo's owner, as the README gives it.
const OWNER = { email: 'owner@gildedgrove.example', password: 'gilded-grove-demo' };

test.describe.configure({ mode: 'serial', timeout: 90_000 });

let origin = '';
/** @type {() => Promise<void>} */
let stop = async () => {};

test.beforeAll(async () => {
  test.setTimeout(90_000);
  // Every test signs in afresh: more sign-ins than one person makes in 15 minutes.
  ({ origin, stop } = await startDemo({ AURORA_LOG: 'warn', AURORA_SIGN_INS_PER_15_MINUTES: '40' }));
});

test.afterAll(async () => stop());

/** A shopper's request through the shopper API, as the widget sends it. @param {string} path @param {Record<string, unknown>} fields */
async function shopperRequest(path, fields) {
  const started = await fetch(`${origin}/api/support/conversations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  const { visitor_token: token, conversation_id: id } = await started.json();
  const headers = { 'Content-Type': 'application/json', 'X-Aurora-Visitor': token };
  await fetch(`${origin}/api/support/conversations/${id}/messages`, { method: 'POST', headers, body: JSON.stringify({ text: 'rose gold rings under $800' }) });
  const answer = await fetch(`${origin}${path}`, { method: 'POST', headers, body: JSON.stringify({ conversation_id: id, ...fields }) });
  expect(answer.status, await answer.clone().text()).toBe(201);
  return /** @type {string} */ ((await answer.json()).reference);
}

/** @param {import('@playwright/test').Page} page */
async function signIn(page) {
  await page.goto(`${origin}/dashboard/login`);
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Inbox' })).toBeVisible();
}

/** What has the keyboard focus: its label, text or name. @param {import('@playwright/test').Page} page */
const focused = (page) =>
  page.evaluate(() => {
    const el = /** @type {HTMLElement | null} */ (document.activeElement);
    if (!el) return '';
    const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : '';
    return `${label || ''}|${el.getAttribute('aria-label') || ''}|${(el.textContent || '').trim()}|${el.getAttribute('name') || ''}`;
  });

/** Presses Tab until the focused element matches. @param {import('@playwright/test').Page} page @param {RegExp} name */
async function tabTo(page, name) {
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press('Tab');
    if (name.test(await focused(page))) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

const tickets = { stylist: '', older: '', hostile: '', ret: '' };

test('signed out, the workspace asks to sign in, and a wrong password is told plainly', async ({ page }) => {
  await page.goto(`${origin}/dashboard/flags`);
  await expect(page).toHaveURL(/\/dashboard\/login\?next=%2Fdashboard%2Fflags/);
  await expectAccessible(page, 'the sign-in page');
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');
  await expectAccessible(page, 'the sign-in page with an error');
});

test('the inbox, empty, then filled, filtered, with nothing found and with a bad filter', async ({ page }) => {
  await signIn(page);
  await expect(page.getByText('No open tickets.')).toBeVisible();
  await expectAccessible(page, 'the empty inbox');

  tickets.older = await shopperRequest('/api/support/stylist', { name: 'Liam Carter', email: 'liam.carter@example.org', preferred_contact: 'email', message: 'A signet ring for my father' });
  tickets.ret = await shopperRequest('/api/support/returns', { order_number: 'GG-104233', email: 'ava.thompson@example.com', request: 'return', items: 'Halo ring', reason: 'too_big' });
  tickets.hostile = await shopperRequest('/api/support/stylist', {
    name: '<img src=x onerror="window.__xss=1">',
    email: 'mallory@example.com',
    preferred_contact: 'email',
    message: '<script>window.__xss=2</script><a href="javascript:window.__xss=3">click</a>',
  });
  tickets.stylist = await shopperRequest('/api/support/stylist', { name: 'Sofia Martinez', email: 'sofia.martinez@example.com', preferred_contact: 'email', message: 'An anniversary ring in rose gold, around $700' });

  await page.reload();
  const rows = page.locator('table.tickets tbody tr');
  await expect(rows).toHaveCount(4);
  await expect(page.getByRole('table').getByText('4 tickets')).toBeVisible();
  await expectAccessible(page, 'the inbox with tickets');
  await shot(page, '60-workspace-inbox', 'workspace-inbox.png');

  await page.getByLabel('Kind').selectOption('stylist');
  await page.getByLabel('Search').fill('sofia');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(tickets.stylist);
  await expectAccessible(page, 'a filtered inbox');

  await page.getByLabel('Search').fill('nobody-at-all');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('No ticket matches these filters.')).toBeVisible();
  await expectAccessible(page, 'a filter that finds nothing');

  await page.goto(`${origin}/dashboard?from=last-tuesday&sort=sideways`);
  await expect(page.getByRole('alert')).toContainText('from: must be a day as YYYY-MM-DD');
  await expectAccessible(page, 'the inbox with bad filters');
});

test('hostile shopper text is shown as text: nothing runs, no markup is injected', async ({ page }) => {
  /** @type {string[]} */
  const dialogs = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss();
  });
  await signIn(page);
  await expect(page.getByRole('table')).toContainText('<img src=x onerror="window.__xss=1">');
  await page.getByRole('link', { name: tickets.hostile }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Stylist ticket ${tickets.hostile}`);
  await expect(page.locator('main')).toContainText('<script>window.__xss=2</script>');
  expect(await page.evaluate(() => /** @type {any} */ (window).__xss)).toBeUndefined();
  await expect(page.locator('main img, main script, main a[href^="javascript"]')).toHaveCount(0);
  expect(dialogs).toEqual([]);
});

test('the ticket page, with an order and its timeline, a form error, and a reply link', async ({ page }) => {
  await signIn(page);
  await page.goto(`${origin}/dashboard/tickets/${tickets.ret}`);
  await expect(page.getByRole('heading', { name: 'Order' })).toBeVisible();
  await expect(page.locator('.timeline')).toContainText('Shipped');
  await expect(page.getByRole('link', { name: 'Tracking' })).toHaveAttribute('href', /^https:\/\//);
  await expect(page.getByRole('link', { name: 'Reply by email' })).toHaveAttribute('href', new RegExp(`^mailto:ava\\.thompson@example\\.com\\?subject=Re%3A%20your%20return%20request%20${tickets.ret}`));
  await expect(page.locator('.transcript')).toContainText('rose gold rings under $800');
  await expectAccessible(page, 'a return ticket');
  await shot(page, '61-workspace-ticket', 'workspace-ticket.png');
  await page.getByLabel('Tags, separated by commas').fill('vip, <b>bold</b>');
  await page.getByRole('button', { name: 'Save tags' }).click();
  await expect(page.getByRole('alert')).toContainText('tags hold letters, digits, spaces, - and _ only');
  await expectAccessible(page, 'a ticket form with an error');
  await page.goto(`${origin}/dashboard/tickets/ST-000000`);
  await expect(page.getByRole('heading', { level: 1, name: 'Not found' })).toBeVisible();
  await expectAccessible(page, 'a ticket that does not exist');
});

test('keyboard only: sign in, open the newest stylist ticket, assign it to me, add a note, resolve it', async ({ page }) => {
  await page.goto(`${origin}/dashboard/login`);
  await tabTo(page, /^Email\|/);
  await page.keyboard.type(OWNER.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(OWNER.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Inbox' })).toBeVisible();

  await tabTo(page, /^Kind\|/);
  await page.keyboard.type('Stylist');
  await tabTo(page, /^Sort\|/);
  await page.keyboard.type('Newest');
  await tabTo(page, /\|Apply\|/);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/kind=stylist/);
  await expect(page).toHaveURL(/sort=newest/);
  await tabTo(page, new RegExp(`\\|${tickets.stylist}\\|`));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Stylist ticket ${tickets.stylist}`);

  await tabTo(page, /\|Assign to me\|/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toHaveText('Assignee changed.');
  await expect(page.locator('.summary')).toContainText(`assigned to ${OWNER.email}`);

  await tabTo(page, /^Internal note/);
  await page.keyboard.type('Sent three rose gold options under $800.');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toHaveText('Note added.');
  await expect(page.locator('.notes')).toContainText('Sent three rose gold options under $800.');

  await tabTo(page, /^Status\|/);
  await page.keyboard.type('Resolved');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toHaveText('Status changed.');
  await expect(page.locator('.summary .status')).toHaveText('Resolved');
  await expectAccessible(page, 'a resolved ticket with a note');
});

/** A whole conversation through the shopper API, ended and rated. @param {string[]} texts @param {number} score @param {string} comment */
async function ratedConversation(texts, score, comment) {
  const started = await fetch(`${origin}/api/support/conversations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  const { visitor_token: token, conversation_id: id } = await started.json();
  const headers = { 'Content-Type': 'application/json', 'X-Aurora-Visitor': token };
  for (const text of texts) {
    const said = await fetch(`${origin}/api/support/conversations/${id}/messages`, { method: 'POST', headers, body: JSON.stringify({ text }) });
    expect(said.status).toBe(200);
  }
  await fetch(`${origin}/api/support/conversations/${id}/end`, { method: 'POST', headers, body: '{}' });
  const rated = await fetch(`${origin}/api/support/csat`, { method: 'POST', headers, body: JSON.stringify({ conversation_id: id, score, comment }) });
  expect(rated.status, await rated.clone().text()).toBe(201);
  return /** @type {string} */ (id);
}

test('conversations: the list, filtered, one read with what was understood, a reply marked misunderstood', async ({ page }) => {
  await ratedConversation(['white gold studs', 'rose gold rings under $800'], 5, 'Found the perfect ring');
  await ratedConversation(['hello', 'blorp <img src=x onerror=alert(1)> zorp'], 2, '<script>alert("csat")</script>Not helpful');
  await signIn(page);
  await page.getByRole('link', { name: 'Conversations' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Conversations' })).toBeVisible();
  await expectAccessible(page, 'the conversations list');
  await page.getByLabel('Understood as').selectOption('unknown');
  await page.getByRole('button', { name: 'Apply' }).click();
  const rows = page.locator('table.tickets tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('hello');
  await expectAccessible(page, 'the conversations list filtered');
  await page.goto(`${origin}/dashboard/conversations?q=nothing%20like%20this&intent=shopping`);
  await expect(page.getByRole('alert')).toContainText('intent: must be one of');
  await expect(page.getByText('No conversation matches these filters.')).toBeVisible();
  await expectAccessible(page, 'the conversations list with a bad filter and nothing found');

  await page.goto(`${origin}/dashboard/conversations?intent=unknown`);
  await rows.first().getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: /Conversation/ })).toBeVisible();
  // Hostile shopper text is shown as text: no image was made of it.
  await expect(page.locator('.transcript')).toContainText('blorp <img src=x onerror=alert(1)> zorp');
  await expect(page.locator('.transcript img')).toHaveCount(0);
  await expect(page.locator('.understood').last()).toContainText('Understood as: unknown');
  await tabTo(page, /\|\|Why\|/);
  await page.keyboard.press('Enter');
  await expect(page.locator('details[open] pre').first()).toContainText('intent');
  await expectAccessible(page, 'a conversation with an explanation open');
  await tabTo(page, /Mark the reply to this misunderstood/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toHaveText('Mark saved.');
  await expect(page.locator('.transcript')).toContainText('marked misunderstood');
  await expectAccessible(page, 'a conversation with a reply marked misunderstood');
});

test('CSAT: distribution, trend and comments lowest first, each with its conversation', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'CSAT' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Customer satisfaction' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Ratings by score, 1 to 5' })).toBeVisible();
  const ratings = page.locator('table.tickets tbody tr');
  await expect(ratings.first()).toContainText('<script>alert("csat")</script>Not helpful');
  await expectAccessible(page, 'the CSAT page');
  await shot(page, '62-workspace-csat', 'workspace-csat.png');
  await page.getByText('As a table').first().click();
  await expect(page.getByRole('table').first()).toContainText('Score');
  await expectAccessible(page, 'the CSAT page with a table open');
  await page.getByLabel('Outcome').selectOption('resolved');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(ratings).toHaveCount(1);
  await expect(ratings.first()).toContainText('Found the perfect ring');
  await ratings.first().getByRole('link', { name: 'Read the conversation' }).click();
  await expect(page.locator('.transcript')).toContainText('rose gold rings under $800');
  await page.goto(`${origin}/dashboard/csat?outcome=won`);
  await expect(page.getByRole('alert')).toContainText('outcome: must be');
  await expectAccessible(page, 'the CSAT page with a bad filter');
});

test('analytics: figures, charts with their tables, what was not understood, a CSV export', async ({ page }) => {
  // What the widget reports as shoppers browse (the specs above talked to the API directly).
  const events = [...Array(40).fill('load'), ...Array(12).fill('open'), ...Array(5).fill('details'), 'shortlist', 'shortlist'];
  for (const batch of [events.slice(0, 50), events.slice(50)]) {
    const counted = await fetch(`${origin}/api/support/events`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ events: batch.map((type) => ({ type })) }) });
    expect(counted.status).toBe(202);
  }
  // The instance writes its per-minute analytics every 15 s: reload until they are in.
  await signIn(page);
  await page.getByRole('link', { name: 'Analytics' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Analytics' })).toBeVisible();
  await expect
    .poll(async () => {
      await page.reload();
      return page.locator('.totals').getByText('Widget loads').locator('..').locator('dd').textContent();
    }, { timeout: 30_000 })
    .toBe('40');
  await expect(page.getByRole('img', { name: /^Funnel/ })).toBeVisible();
  const notUnderstood = page.getByRole('region', { name: 'What the concierge did not understand' });
  await expect(notUnderstood).toContainText('blorp');
  await expectAccessible(page, 'the analytics page');
  await shot(page, '63-workspace-analytics', 'workspace-analytics.png');
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download “Funnel” as CSV' }).click();
  const csv = await download;
  expect(csv.suggestedFilename()).toMatch(/^aurora-funnel-.*\.csv$/);
  await page.goto(`${origin}/dashboard/analytics?from=someday`);
  await expect(page.getByRole('alert')).toContainText('from: must be a day');
  await expectAccessible(page, 'the analytics page with a bad parameter');
});

test('the kill switch turned off in the workspace hides the widget on the demo store', async ({ page, browser }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Widget flag' }).click();
  await expectAccessible(page, 'the flag page');
  await page.getByLabel('Off').check();
  await page.getByRole('button', { name: 'Save kill switch' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('Turn the widget off for every shopper?');
  await expectAccessible(page, 'the kill switch confirmation');
  await page.getByRole('button', { name: 'Yes, turn it off' }).click();
  await expect(page.getByRole('status')).toContainText('Flag changed.');
  await expect(page.getByRole('table', { name: 'Now in effect' })).toContainText('Off: the widget is hidden');
  await expect(page.locator('main')).toContainText(`${OWNER.email} via workspace`);
  await page.getByLabel(/^Beta allow-list/).fill('vip@example.com\nnot-an-email');
  await page.getByRole('button', { name: 'Save allow-list' }).click();
  await expect(page.getByRole('alert')).toContainText('`not-an-email` is not an email address');
  await expectAccessible(page, 'the flag page with an error');

  // A new shopper on the demo store: the loader asks, hears "off", and draws nothing.
  const shopper = await browser.newPage();
  /** @type {any[]} */
  const flags = [];
  shopper.on('response', async (response) => {
    if (response.url().endsWith('/ofrep/v1/evaluate/flags/concierge-widget')) flags.push(await response.json());
  });
  await shopper.goto(`${origin}/`);
  await expect.poll(() => flags.length).toBeGreaterThan(0);
  expect(flags[0].value).toBe(false);
  await expect(shopper.locator('aurora-concierge')).toHaveCount(0);

  // On again: the next shopper sees the launcher.
  await page.getByLabel('On', { exact: true }).check();
  await page.getByRole('button', { name: 'Save kill switch' }).click();
  await expect(page.getByRole('table', { name: 'Now in effect' })).toContainText('On: the widget is shown');
  const next = await browser.newPage();
  await next.goto(`${origin}/`);
  await expect(launcher(next)).toBeVisible();
});

test('users: add a person with a one-time link, an error, and the audit log', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Users and audit log' }).click();
  await expectAccessible(page, 'the users page');
  await page.getByLabel('Email').fill('mia@gildedgrove.example');
  await page.getByLabel('Role', { exact: true }).selectOption('stylist');
  await page.getByRole('button', { name: 'Add and make a set-password link' }).click();
  await expect(page.getByLabel('Set-password link')).toHaveValue(/\/dashboard\/set-password\?token=/);
  await expectAccessible(page, 'a new account with its link');
  await page.getByLabel('Email').fill('MIA@gildedgrove.example');
  await page.getByRole('button', { name: 'Add and make a set-password link' }).click();
  await expect(page.getByRole('alert')).toContainText('has an account already');
  await expectAccessible(page, 'the users page with an error');
  const audit = page.getByRole('table', { name: 'Staff audit log' });
  await expect(audit).toContainText('failed sign-in');
  await expect(audit).toContainText('changed the flag');
  await expect(audit).toContainText(`${tickets.stylist}`);
  await expect(audit).toContainText('added a user');
});

test('a new viewer sets a password from the link, signs in, and lands on what the role may see', async ({ page, browser }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Users and audit log' }).click();
  await page.getByLabel('Email').fill('noor@gildedgrove.example');
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Add and make a set-password link' }).click();
  const link = await page.getByLabel('Set-password link').inputValue();

  const newcomer = await (await browser.newContext()).newPage();
  await newcomer.goto(link);
  await expect(newcomer.getByRole('heading', { level: 1, name: 'Set your password' })).toBeVisible();
  await expectAccessible(newcomer, 'the set-password page');
  await newcomer.getByLabel('New password', { exact: true }).fill('too short');
  await newcomer.getByLabel('The same password again').fill('too short');
  // The browser's own check (minlength) comes first; the server's is the one that counts.
  await newcomer.locator('form').evaluate((form) => form.setAttribute('novalidate', ''));
  await newcomer.getByRole('button', { name: 'Set password' }).click();
  await expect(newcomer.getByRole('alert')).toContainText('at least 12 characters');
  await expectAccessible(newcomer, 'the set-password page with an error');
  await newcomer.getByLabel('New password', { exact: true }).fill('a sapphire for every season');
  await newcomer.getByLabel('The same password again').fill('a sapphire for every season');
  await newcomer.getByRole('button', { name: 'Set password' }).click();
  await expect(newcomer.getByRole('status')).toHaveText('Your password is set. Sign in with it.');
  await newcomer.getByLabel('Email').fill('noor@gildedgrove.example');
  await newcomer.getByLabel('Password').fill('a sapphire for every season');
  await newcomer.getByRole('button', { name: 'Sign in' }).click();
  await expect(newcomer.getByRole('heading', { level: 1, name: 'Analytics' })).toBeVisible();
  await expect(newcomer.getByRole('navigation', { name: 'Workspace' }).getByRole('link')).toHaveText(['Analytics', 'CSAT']);
  await newcomer.goto(`${origin}/dashboard/conversations`);
  await expect(newcomer.getByRole('heading', { level: 1, name: 'Not for your role' })).toBeVisible();
  await expectAccessible(newcomer, 'a page the role may not see');
  // The link worked once.
  const again = await (await browser.newContext()).newPage();
  await again.goto(link);
  await expect(again.getByRole('heading', { level: 1, name: 'Not found' })).toBeVisible();
});
