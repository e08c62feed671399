// Email replies in a real browser, on their own `aurora demo` set up with SMTP to a receiver
// this spec runs on loopback: an agent replies from the ticket page, the shopper's mail arrives,
// and the ticket shows it sent; axe on the page with the reply form and with a sent reply.
import { test, expect } from '@playwright/test';
import { createServer } from 'node:net';
import { expectAccessible, startDemo } from './helpers.js';

test.describe.configure({ mode: 'serial', timeout: 90_000 });

/** @type {string[]} */
const received = [];
/** A minimal SMTP receiver: enough of RFC 5321 for one client to send mail. */
const smtp = createServer((socket) => {
  let data = false;
  let message = '';
  let buffer = '';
  socket.write('220 receiver ESMTP\r\n');
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    let end;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (data) {
        if (line === '.') {
          data = false;
          received.push(message);
          message = '';
          socket.write('250 queued\r\n');
        } else message += `${line}\n`;
        continue;
      }
      const verb = line.split(' ')[0].toUpperCase();
      if (verb === 'DATA') {
        data = true;
        socket.write('354 go on\r\n');
      } else if (verb === 'QUIT') socket.end('221 bye\r\n');
      else socket.write('250 OK\r\n');
    }
  });
});

let origin = '';
/** @type {() => Promise<void>} */
let stop = async () => {};

test.beforeAll(async () => {
  test.setTimeout(90_000);
  await new Promise((resolve) => smtp.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (smtp.address());
  ({ origin, stop } = await startDemo({
    AURORA_LOG: 'warn',
    AURORA_SMTP_URL: `smtp://127.0.0.1:${address.port}`,
    AURORA_SMTP_FROM: 'Gilded Grove <care@gildedgrove.example>',
  }));
});

test.afterAll(async () => {
  await stop();
  smtp.close();
});

test('an agent replies by email from the ticket page and the shopper receives it', async ({ page }) => {
  const started = await fetch(`${origin}/api/support/conversations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  const { visitor_token: token, conversation_id: id } = await started.json();
  const headers = { 'Content-Type': 'application/json', 'X-Aurora-Visitor': token };
  const asked = await fetch(`${origin}/api/support/stylist`, { method: 'POST', headers, body: JSON.stringify({ conversation_id: id, name: 'Noor Haddad', email: 'noor.haddad@example.org', preferred_contact: 'email', message: 'An emerald pendant for my sister' }) });
  expect(asked.status).toBe(201);
  const { reference } = await asked.json();

  await page.goto(`${origin}/dashboard/login`);
  await page.getByLabel('Email').fill('owner@gildedgrove.example');
  await page.getByLabel('Password').fill('gilded-grove-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.goto(`${origin}/dashboard/tickets/${reference}`);
  await expect(page.getByRole('link', { name: 'Reply by email' })).toHaveCount(0);
  await expectAccessible(page, 'a ticket with the email reply form');
  await page.getByLabel('Reply to noor.haddad@example.org by email').fill('Hello Noor, here are three emerald pendants under $900.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByRole('status')).toContainText('it is being emailed to the shopper');

  await expect.poll(() => received.length, { timeout: 20_000 }).toBe(1);
  expect(received[0]).toContain('To: noor.haddad@example.org');
  expect(received[0]).toContain(`Subject: Gilded Grove: about your request ${reference}`);
  expect(received[0]).toContain('here are three emerald pendants');
  await expect
    .poll(async () => {
      await page.reload();
      return page.locator('.notes .reply').textContent();
    })
    .toContain('Emailed to noor.haddad@example.org · sent');
  await expectAccessible(page, 'a ticket with a sent reply');
});
