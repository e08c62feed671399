// Order tracking: the form (by quick link and by typing), its validation, an unknown order, and
// the timeline of a real demo order.
import { test, expect } from '@playwright/test';
import { lastReply, openWidget, say, shot, tap } from './helpers.js';

/** @param {import('@playwright/test').Page} page */
const orderForm = (page) => page.getByRole('form', { name: 'Track your order' }).last();

test('the order form opens from the quick link', async ({ page }) => {
  await openWidget(page);
  await tap(page, 'Track my order');
  await expect(orderForm(page).getByRole('textbox', { name: 'Order number' })).toBeVisible();
  await expect(orderForm(page).getByRole('textbox', { name: 'Email used for the order' })).toBeVisible();
});

test('the order form opens when the shopper types “where is my order”', async ({ page }) => {
  await openWidget(page);
  await say(page, 'where is my order');
  await expect(orderForm(page).getByRole('textbox', { name: 'Order number' })).toBeVisible();
  await shot(page, '10-order-form');
});

test('required fields and the order-number format are checked, with messages tied to their fields', async ({ page }) => {
  await openWidget(page);
  await tap(page, 'Track my order');
  const form = orderForm(page);
  const number = form.getByRole('textbox', { name: 'Order number' });
  const email = form.getByRole('textbox', { name: 'Email used for the order' });
  await form.getByRole('button', { name: 'Find my order' }).click();
  await expect(number).toHaveAttribute('aria-invalid', 'true');
  await expect(number).toHaveAccessibleDescription(/Order number is required/);
  await expect(email).toHaveAccessibleDescription(/Email used for the order is required/);
  await expect(number).toBeFocused();
  await expect(form.getByRole('alert')).toHaveText('Please correct the 2 fields marked below.');

  await number.fill('GG-12');
  await email.fill('not-an-email');
  await form.getByRole('button', { name: 'Find my order' }).click();
  await expect(email).toHaveAccessibleDescription(/must be an email address/);
  await expect(number).not.toHaveAttribute('aria-invalid', 'true');

  // The store's order-number format is the server's to check.
  await email.fill('ava.thompson@example.com');
  await form.getByRole('button', { name: 'Find my order' }).click();
  await expect(number).toHaveAccessibleDescription(/Order number doesn't look like one of our order numbers \(for example GG-104233\)/);
  await expect(number).toHaveAttribute('aria-invalid', 'true');
  await expect(number).toBeFocused();
  await shot(page, '11-order-form-errors', 'widget-form-errors.png');
});

test('an order that does not exist gets a gentle answer, not its timeline', async ({ page }) => {
  await openWidget(page);
  await tap(page, 'Track my order');
  const form = orderForm(page);
  await form.getByRole('textbox', { name: 'Order number' }).fill('GG-999999');
  await form.getByRole('textbox', { name: 'Email used for the order' }).fill('nobody@example.com');
  await form.getByRole('button', { name: 'Find my order' }).click();
  await expect(lastReply(page)).toContainText("We couldn't find an order with that number and email");
  await expect(lastReply(page).locator('.order')).toHaveCount(0);
  await expect(page.locator('.msg.me').last()).toHaveText(/Sent: Track your order/);
});

test('a real demo order shows its timeline, with the tracking link', async ({ page }) => {
  await openWidget(page);
  await say(page, 'where is my order GG-104233');
  const form = orderForm(page);
  // The order number the shopper typed is already filled in.
  await expect(form.getByRole('textbox', { name: 'Order number' })).toHaveValue('GG-104233');
  await form.getByRole('textbox', { name: 'Email used for the order' }).fill('ava.thompson@example.com');
  await form.getByRole('button', { name: 'Find my order' }).click();
  const order = lastReply(page).getByRole('region', { name: /Order GG-104233/ });
  await expect(order).toBeVisible();
  await expect(order.locator('.step-label')).toHaveText(['Placed', 'Paid', 'Shipped']);
  await expect(order.getByRole('link', { name: /Track the parcel/ })).toHaveAttribute('href', /^https:\/\//);
  await expect(order.locator('.items')).toContainText('14k Rose Gold Oval Moissanite Halo Ring');
  await expect(form.getByRole('button', { name: 'Sent' })).toBeDisabled();
  await shot(page, '12-order-timeline', 'widget-order.png');
});
