// Accessibility (WCAG 2.0 and 2.1, A and AA): axe in every state, the keyboard, focus, the live
// region, small screens and zoom, a custom theme colour, reduced motion.
import { test, expect } from '@playwright/test';
import {
  api, expectAccessible, input, lastReply, launcher, liveRegion, openWidget, panel, say, shot, storeOrigin, tap,
} from './helpers.js';

// axe takes a second or two per state.
test.describe.configure({ timeout: 90_000 });

/** The accessible name (or text) of the element focused inside the widget. @param {import('@playwright/test').Page} page */
const focused = (page) =>
  page.evaluate(() => {
    const active = document.querySelector('aurora-concierge')?.shadowRoot?.activeElement;
    return active ? active.getAttribute('aria-label') || (active.textContent || '').trim() || active.tagName : null;
  });

/** Presses Tab until the focused element's name matches. @param {import('@playwright/test').Page} page @param {RegExp} name */
async function tabTo(page, name) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    if (name.test((await focused(page)) || '')) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

test('no axe violations on the storefront and in the widget, closed, open, with products and details', async ({ page }) => {
  await page.goto(api() + '/');
  await expect(launcher(page)).toBeVisible();
  await expectAccessible(page, 'the storefront, widget closed');
  await launcher(page).click();
  await expect(lastReply(page).locator('.chip').first()).toBeVisible();
  await expectAccessible(page, 'the widget open on its welcome');
  await tap(page, 'Ready to ship');
  await expectAccessible(page, 'products shown');
  await lastReply(page).locator('.card').first().getByRole('button', { name: /^Details/ }).click();
  await lastReply(page).locator('.card').first().getByRole('button', { name: /^Add to shortlist/ }).click();
  await expect(lastReply(page).locator('.more a')).toBeVisible();
  await expectAccessible(page, 'product details open and a piece shortlisted');
  await say(page, 'platinum rings under $300');
  await expectAccessible(page, 'no results');
  await page.goto(api() + '/products/14k-rose-gold-signet-ring');
  await expectAccessible(page, 'a product page, widget closed');
});

test('no axe violations in the order form, with its errors, and in an order timeline', async ({ page }) => {
  await openWidget(page);
  await tap(page, 'Track my order');
  await expectAccessible(page, 'the order form');
  await page.getByRole('button', { name: 'Find my order' }).click();
  await expect(page.getByRole('form', { name: 'Track your order' }).getByRole('alert')).not.toBeEmpty();
  await expectAccessible(page, 'the order form with errors');
  await page.getByRole('textbox', { name: 'Order number' }).fill('GG-104233');
  await page.getByRole('textbox', { name: 'Email used for the order' }).fill('ava.thompson@example.com');
  await page.getByRole('button', { name: 'Find my order' }).click();
  await expect(lastReply(page).locator('.order')).toBeVisible();
  await expectAccessible(page, 'an order timeline');
});

test('no axe violations in the return form, with its errors', async ({ page }) => {
  await openWidget(page);
  await tap(page, 'Returns & resizing');
  await expectAccessible(page, 'the return form');
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page.getByRole('form', { name: 'Return or resize' }).getByRole('alert')).not.toBeEmpty();
  await expectAccessible(page, 'the return form with errors');
});

test('no axe violations in the stylist form, with its errors, and in the rating', async ({ page }) => {
  await openWidget(page);
  await tap(page, 'Talk to a stylist');
  await expectAccessible(page, 'the stylist form');
  const form = page.getByRole('form', { name: 'Talk to a stylist' });
  await form.getByRole('button', { name: 'Send to a stylist' }).click();
  await expectAccessible(page, 'the stylist form with errors');
  await form.getByRole('textbox', { name: 'Your name' }).fill('Ava');
  await form.getByRole('textbox', { name: 'Email' }).fill('ava@example.com');
  await form.getByRole('textbox', { name: 'How can a stylist help?' }).fill('A gift');
  await form.getByRole('button', { name: 'Send to a stylist' }).click();
  await expect(lastReply(page).getByRole('form', { name: /Rate this conversation/ })).toBeVisible();
  await expectAccessible(page, 'the stylist confirmation and the rating');
  await lastReply(page).getByRole('button', { name: 'Send rating' }).click();
  await expect(lastReply(page).getByText('Choose a rating from 1 to 5 stars.')).toBeVisible();
  await expectAccessible(page, 'the rating with its error');
  await shot(page, '40-rating');
});

test('no axe violations with each error: unreachable, rate limited, paused', async ({ page }) => {
  await openWidget(page);
  await page.route('**/messages', (route) => route.abort('connectionrefused'), { times: 1 });
  await input(page).fill('rings');
  await input(page).press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'couldn’t reach' })).toBeVisible();
  await expectAccessible(page, 'the server unreachable');
  await shot(page, '41-unreachable');
  await page.route('**/messages', (route) => route.fulfill({ status: 429, headers: { 'Retry-After': '3', 'Content-Type': 'application/problem+json' }, body: JSON.stringify({ code: 'rate_limited', title: 'Too many requests', detail: 'Slow down' }) }), { times: 1 });
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Please wait 3 seconds' })).toBeVisible();
  await expectAccessible(page, 'rate limited');
  await page.route('**/messages', (route) => route.fulfill({ status: 503, headers: { 'Content-Type': 'application/problem+json' }, body: JSON.stringify({ code: 'concierge_disabled', detail: 'The concierge is paused right now.' }) }));
  await expect(page.getByRole('button', { name: 'Try again' })).toBeEnabled({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(lastReply(page).locator('.notice')).toContainText('paused');
  await expectAccessible(page, 'paused');
});

test('a keyboard-only shopper finds, shortlists and inspects a piece, then closes with Escape', async ({ page }) => {
  await page.goto(api() + '/');
  await expect(launcher(page)).toBeVisible();
  // The launcher comes last in the page: Shift+Tab from the top reaches it.
  await page.locator('body').focus();
  await page.keyboard.press('Shift+Tab');
  await expect(launcher(page)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(panel(page)).toBeVisible();
  await expect(input(page)).toBeFocused();
  await expect(lastReply(page).locator('.chip').first()).toBeVisible();

  await page.keyboard.type('show me earrings');
  await page.keyboard.press('Enter');
  await expect(lastReply(page).locator('.card').first()).toBeVisible();
  await expect(liveRegion(page)).toContainText('earrings');
  await tabTo(page, /^Add to shortlist: /);
  const name = (await focused(page)) || '';
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: name.replace('Add to shortlist', 'On your shortlist') + '. Activate to remove it.' }).first()).toBeVisible();
  await expect(liveRegion(page)).toContainText('is on your shortlist');
  await tabTo(page, /^Details: /);
  await page.keyboard.press('Enter');
  await expect(page.locator('.more').filter({ has: page.getByRole('link') }).first()).toBeVisible();
  await tabTo(page, /^Only ready to ship$/);
  await page.keyboard.press('Enter');
  await expect(lastReply(page).getByRole('group', { name: 'Active filters' })).toContainText('Ready to ship');
  // Escape closes the panel and focus goes back to the launcher.
  await page.keyboard.press('Escape');
  await expect(panel(page)).toBeHidden();
  await expect(launcher(page)).toBeFocused();
  await expect(launcher(page)).toHaveAttribute('aria-expanded', 'false');
  // Reopening by keyboard puts focus back in the panel.
  await page.keyboard.press('Enter');
  await expect(input(page)).toBeFocused();
});

test('Tab and Shift+Tab stay inside the open panel; the close button returns focus', async ({ page }) => {
  await openWidget(page);
  const inside = () => page.evaluate(() => {
    const root = document.querySelector('aurora-concierge')?.shadowRoot;
    const active = root?.activeElement;
    return !!active && !!root?.querySelector('[role=dialog]')?.contains(active);
  });
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    expect(await inside()).toBe(true);
  }
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Shift+Tab');
    expect(await inside()).toBe(true);
  }
  await page.getByRole('button', { name: 'Close chat' }).click();
  await expect(panel(page)).toBeHidden();
  await expect(launcher(page)).toBeFocused();
});

test('new messages and loading states are announced in a live region', async ({ page }) => {
  await openWidget(page);
  await expect(liveRegion(page)).toContainText("I'm the Gilded Grove concierge");
  await say(page, 'white gold rings');
  await expect(liveRegion(page)).toContainText(/white gold rings/i);
  await expect(liveRegion(page)).toContainText(/\d+ of \d+ pieces/);
  await tap(page, 'Talk to a stylist');
  await expect(liveRegion(page)).toContainText('Talk to a stylist.');
});

test('at 320 px wide the panel takes the screen, nothing scrolls sideways and inputs are 16 px', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await openWidget(page);
  await say(page, 'rings under 900');
  // (Polled: the panel slides in.)
  await expect.poll(() => panel(page).boundingBox()).toMatchObject({ x: 0, y: 0, width: 320, height: 640 });
  const overflow = await page.evaluate(() => {
    const log = /** @type {HTMLElement} */ (document.querySelector('aurora-concierge')?.shadowRoot?.querySelector('.log'));
    return log.scrollWidth - log.clientWidth;
  });
  expect(overflow).toBeLessThanOrEqual(0);
  expect(await input(page).evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');
  await shot(page, '50-mobile-320');
  await tap(page, 'Talk to a stylist');
  for (const field of await page.locator('aurora-concierge form.form input:not([type=radio]), aurora-concierge form.form textarea').all()) {
    expect(await field.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(16);
  }
  await expectAccessible(page, 'a 320 px screen');
  await context.close();
});

test('at 200% zoom the widget stays usable', async ({ browser }) => {
  // 1280×800 at 200% is a 640×400 CSS-pixel viewport.
  const context = await browser.newContext({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await openWidget(page);
  await say(page, 'necklaces');
  const box = await panel(page).boundingBox();
  expect(box?.width).toBe(640);
  await expect(input(page)).toBeInViewport();
  await expect(lastReply(page).locator('.card').first()).toBeVisible();
  await shot(page, '51-zoom-200');
  await context.close();
});

for (const theme of ['#ffd1dc', '#8a8a8a', '#ffff00', '#0000ff']) {
  test(`the theme colour ${theme} is adjusted to keep AA contrast`, async ({ page }) => {
    await page.goto(`${storeOrigin()}/store.html?theme=${encodeURIComponent(theme)}`);
    await launcher(page).click();
    await expect(lastReply(page).locator('.chip').first()).toBeVisible();
    await say(page, 'hello');
    await expectAccessible(page, `theme ${theme}`);
    const ratio = await page.evaluate(() => {
      const head = /** @type {HTMLElement} */ (document.querySelector('aurora-concierge')?.shadowRoot?.querySelector('.head'));
      const rgb = (/** @type {string} */ c) => (c.match(/\d+/g) || []).slice(0, 3).map(Number);
      const lum = (/** @type {number[]} */ c) => {
        const [r, g, b] = c.map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const [a, b] = [lum(rgb(getComputedStyle(head).backgroundColor)), lum(rgb(getComputedStyle(head).color))].sort((x, y) => y - x);
      return (a + 0.05) / (b + 0.05);
    });
    expect(ratio).toBeGreaterThanOrEqual(4.5);
  });
}

test('with reduced motion, nothing animates', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await openWidget(page);
  const animations = await page.evaluate(() => {
    const root = document.querySelector('aurora-concierge')?.shadowRoot;
    return [root?.querySelector('.panel'), root?.querySelector('.typing span')].map((el) => el && getComputedStyle(el).animationName);
  });
  expect(animations).toEqual(['none', 'none']);
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  expect(await page.evaluate(() => getComputedStyle(/** @type {Element} */ (document.querySelector('aurora-concierge')?.shadowRoot?.querySelector('.panel'))).animationName)).toBe('ac-in');
});

test('a knowledge answer: its text and source, no axe violations, keyboard to its buttons, announced', async ({ page }) => {
  await openWidget(page);
  await say(page, 'do you ship to Canada?');
  const answer = lastReply(page).locator('.answer');
  await expect(answer).toContainText('Canada');
  await expect(answer).toContainText('From “Shipping destinations”');
  await expect(lastReply(page).locator('.card')).toHaveCount(0);
  await expect(liveRegion(page)).toContainText('Canada');
  await expectAccessible(page, 'a knowledge answer');
  await shot(page, '42-knowledge-answer', 'widget-answer.png');
  await tabTo(page, /^Not helpful$/);
  await page.keyboard.press('Enter');
  await expect(lastReply(page)).toContainText("Sorry it didn't help");
  await tap(page, 'Talk to a stylist');
  await expect(lastReply(page).getByRole('form', { name: 'Talk to a stylist' })).toBeVisible();
});
