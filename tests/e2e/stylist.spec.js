// Handing over to a stylist: the form by button, by typing and by /stylist, its required
// fields, and the ticket, which carries the conversation's transcript.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { lastReply, openWidget, say, shot, storeOrigin, tap } from './helpers.js';

/** @param {import('@playwright/test').Page} page */
const stylistForm = (page) => page.getByRole('form', { name: 'Talk to a stylist' }).last();

test('the stylist form opens by button, by typing and by /stylist', async ({ page }) => {
  await openWidget(page);
  await tap(page, 'Talk to a stylist');
  await expect(stylistForm(page)).toBeVisible();
  await say(page, 'can I talk to a stylist please');
  await expect(page.getByRole('form', { name: 'Talk to a stylist' })).toHaveCount(2);
  await say(page, '/stylist');
  await expect(page.getByRole('form', { name: 'Talk to a stylist' })).toHaveCount(3);
  await expect(lastReply(page).getByRole('form', { name: 'Talk to a stylist' })).toBeVisible();
  await shot(page, '30-stylist-form');
});

test('the stylist form checks its required fields', async ({ page }) => {
  await openWidget(page);
  await tap(page, 'Talk to a stylist');
  const form = stylistForm(page);
  await form.getByRole('button', { name: 'Send to a stylist' }).click();
  await expect(form.getByRole('textbox', { name: 'Your name' })).toHaveAccessibleDescription(/Your name is required/);
  await expect(form.getByRole('textbox', { name: 'Email' })).toHaveAccessibleDescription(/Email is required/);
  await expect(form.getByRole('textbox', { name: 'How can a stylist help?' })).toHaveAccessibleDescription(/is required/);
  await expect(form.getByRole('textbox', { name: 'Phone (optional)' })).not.toHaveAttribute('aria-invalid', 'true');
  // “Email” is preselected as the way to reach the shopper.
  await expect(form.getByRole('radio', { name: 'Email' })).toBeChecked();
  // Phone as the way to be reached makes the phone number necessary (the server says so).
  await form.getByRole('textbox', { name: 'Your name' }).fill('Ava');
  await form.getByRole('textbox', { name: 'Email' }).fill('ava@example.com');
  await form.getByRole('textbox', { name: 'How can a stylist help?' }).fill('An anniversary ring');
  await form.getByRole('radio', { name: 'Phone' }).check();
  await form.getByRole('button', { name: 'Send to a stylist' }).click();
  await expect(form.getByRole('textbox', { name: 'Phone (optional)' })).toHaveAccessibleDescription(/Phone is required when we should call you/);
  await shot(page, '31-stylist-errors');
});

test('a stylist request creates a ticket that carries the transcript', async ({ page, request }) => {
  await openWidget(page);
  await say(page, 'rose gold rings under $800');
  await tap(page, 'Talk to a stylist');
  const form = stylistForm(page);
  const message = `Something for our anniversary ${Date.now()}`;
  await form.getByRole('textbox', { name: 'Your name' }).fill('Ava Thompson');
  await form.getByRole('textbox', { name: 'Email' }).fill('ava.thompson@example.com');
  await form.getByRole('textbox', { name: 'How can a stylist help?' }).fill(message);
  await form.getByRole('button', { name: 'Send to a stylist' }).click();
  await expect(lastReply(page)).toContainText(/Your request ST-\d{6} is with our stylists/);
  await shot(page, '32-stylist-sent');
  const reference = /ST-\d{6}/.exec((await lastReply(page).textContent()) || '')?.[0];

  // The webhook aurora posts for the new ticket (to the loopback receiver of global-setup.js).
  /** @type {any} */
  let hook;
  await expect
    .poll(async () => {
      const hooks = await (await request.get(`${storeOrigin()}/hooks`)).json();
      hook = hooks.find((/** @type {any} */ h) => h.ticket?.reference === reference);
      return !!hook;
    }, { timeout: 15_000 })
    .toBe(true);
  expect(hook.ticket.kind).toBe('stylist');
  expect(hook.ticket.details.message).toBe(message);
  // Welcome, the search and its answer, the button and its answer (the form).
  expect(hook.ticket.transcript_lines).toBeGreaterThanOrEqual(5);

  // And the transcript itself, in the database (when the sqlite3 shell is there to read it).
  let transcript = '';
  try {
    transcript = execFileSync('sqlite3', [/** @type {string} */ (process.env.AURORA_DB), `select transcript from tickets where reference = '${reference}'`], { encoding: 'utf8' });
  } catch {
    test.info().annotations.push({ type: 'note', description: 'sqlite3 not installed: transcript content checked through the webhook only' });
  }
  if (transcript) {
    expect(transcript).toContain('rose gold rings under $800');
    expect(transcript).toContain('Gilded Grove concierge');
  }
});
