// Returns and resizes: the form, its required fields, a return and a resize submitted.
import { test, expect } from '@playwright/test';
import { lastReply, openWidget, shot, tap } from './helpers.js';

/** @param {import('@playwright/test').Page} page */
const returnForm = (page) => page.getByRole('form', { name: 'Return or resize' }).last();

test('the return form checks its required fields, the new size only for a resize', async ({ page }) => {
  await openWidget(page);
  await tap(page, 'Returns & resizing');
  const form = returnForm(page);
  await expect(form).toBeVisible();
  await shot(page, '20-return-form');
  await form.getByRole('button', { name: 'Send request' }).click();
  await expect(form.getByRole('textbox', { name: 'Order number' })).toHaveAccessibleDescription(/Order number is required/);
  await expect(form.getByRole('textbox', { name: 'Email used for the order' })).toHaveAccessibleDescription(/is required/);
  await expect(form.getByRole('group', { name: 'What would you like?' })).toHaveAccessibleDescription(/What would you like\? is required/);
  await expect(form.getByRole('textbox', { name: 'Which items?' })).toHaveAccessibleDescription(/Which items\? is required/);
  await expect(form.getByRole('combobox', { name: 'Reason' })).toHaveAccessibleDescription(/Reason is required/);
  await expect(form.getByRole('textbox', { name: 'New ring size' })).not.toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByRole('alert')).toHaveText('Please correct the 5 fields marked below.');
  await expect(form.getByRole('textbox', { name: 'Order number' })).toBeFocused();

  await form.getByRole('radio', { name: 'Resize a ring' }).check();
  await form.getByRole('button', { name: 'Send request' }).click();
  await expect(form.getByRole('textbox', { name: 'New ring size' })).toHaveAccessibleDescription(/New ring size is required/);
  await shot(page, '21-return-form-errors');
});

test('a return of a delivered order is accepted with a reference', async ({ page }) => {
  await openWidget(page);
  await tap(page, 'Returns & resizing');
  const form = returnForm(page);
  await form.getByRole('textbox', { name: 'Order number' }).fill('GG-104052');
  await form.getByRole('textbox', { name: 'Email used for the order' }).fill('sofia.martinez@example.com');
  await form.getByRole('radio', { name: 'Return for a refund' }).check();
  await form.getByRole('textbox', { name: 'Which items?' }).fill('Diamond tennis necklace');
  await form.getByRole('combobox', { name: 'Reason' }).selectOption('changed_mind');
  await form.getByRole('button', { name: 'Send request' }).click();
  await expect(lastReply(page)).toContainText(/Your return request RT-\d{6} for order GG-104052 is in/);
  await expect(lastReply(page).getByRole('group', { name: /Rate this conversation/ })).toBeVisible();
  await shot(page, '22-return-submitted');
});

test('a resize request of a ring is accepted', async ({ page }) => {
  await openWidget(page);
  await tap(page, 'Returns & resizing');
  const form = returnForm(page);
  await form.getByRole('textbox', { name: 'Order number' }).fill('GG-104233');
  await form.getByRole('textbox', { name: 'Email used for the order' }).fill('ava.thompson@example.com');
  await form.getByRole('radio', { name: 'Resize a ring' }).check();
  await form.getByRole('textbox', { name: 'Which items?' }).fill('Oval moissanite halo ring');
  await form.getByRole('textbox', { name: 'New ring size' }).fill('7');
  await form.getByRole('combobox', { name: 'Reason' }).selectOption('too_small');
  await form.getByRole('button', { name: 'Send request' }).click();
  await expect(lastReply(page)).toContainText(/Your resize request RT-\d{6} for order GG-104233 is in/);

  // The rating the confirmation asks for.
  const rating = lastReply(page).getByRole('form', { name: /Rate this conversation/ });
  await rating.getByRole('button', { name: 'Send rating' }).click();
  await expect(rating.getByText('Choose a rating from 1 to 5 stars.')).toBeVisible();
  await rating.getByRole('radio', { name: '4 stars' }).check();
  await rating.getByRole('button', { name: 'Send rating' }).click();
  await expect(lastReply(page)).toContainText('Thank you for your feedback!');
  await expect(page.locator('.msg.me').last()).toHaveText(/4 stars/);
});
