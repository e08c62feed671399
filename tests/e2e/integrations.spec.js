// A store's platform feeds the widget: a signed Shopify `orders/create` and then its
// `fulfillments/create`, posted to the real binary as Shopify posts them, make the order
// trackable in the widget, with the carrier's link.
import { test, expect } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { SHOPIFY_WEBHOOK_SECRET } from './global-setup.js';
import { api, lastReply, openWidget, say } from './helpers.js';

/**
 * Posts the JSON `text` signed, as Shopify does.
 * @param {string} topic @param {string} id @param {string} text
 */
async function deliver(topic, id, text) {
  const signature = createHmac('sha256', SHOPIFY_WEBHOOK_SECRET).update(text).digest('base64');
  const response = await fetch(`${api()}/api/integrations/shopify/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-webhook-id': id,
      'x-shopify-hmac-sha256': signature,
    },
    body: text,
  });
  expect(response.status).toBe(200);
}

/** The order's status as the shopper API answers it (the inbox applies deliveries in the background). @param {string} number */
async function statusOf(number) {
  const started = await fetch(`${api()}/api/support/conversations`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
  });
  const { visitor_token: token } = await started.json();
  const answer = await fetch(`${api()}/api/support/orders/lookup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-aurora-visitor': token },
    body: JSON.stringify({ order_number: number, email: 'mia.chen@example.com' }),
  });
  const reply = await answer.json();
  const timeline = (reply.blocks || []).find((/** @type {{type: string}} */ b) => b.type === 'order_timeline');
  return timeline ? timeline.status : 'not found';
}

test('an order and its fulfilment from Shopify are tracked in the widget with the carrier link', async ({ page }) => {
  const number = String(5000 + Math.floor(Math.random() * 4000));
  // Shopify's ids exceed 2^53: they go into the JSON text as written, never through a float.
  const orderId = (820982911946154508n + BigInt(number)).toString();
  const paid = new Date(Date.now() - 3_600_000).toISOString();
  const shipped = new Date().toISOString();
  const order = JSON.stringify({
    id: 'ORDER_ID', name: `#${number}`, email: 'Mia.Chen@example.com',
    created_at: paid, updated_at: paid, processed_at: paid, financial_status: 'paid',
    line_items: [{ title: 'Halo Engagement Ring', variant_title: '14K Rose Gold / 6.5', quantity: 1, price: '1299.00', properties: [] }],
  }).replace('"ORDER_ID"', orderId);
  const fulfilment = JSON.stringify({
    order_id: 'ORDER_ID', status: 'success', created_at: shipped, updated_at: shipped,
    tracking_company: 'UPS', tracking_number: '1Z827WK74630',
    tracking_url: 'https://www.ups.com/WebTracking?trackNums=1Z827WK74630',
  }).replace('"ORDER_ID"', orderId);
  await deliver('orders/create', `e2e-${number}-1`, order);
  await deliver('fulfillments/create', `e2e-${number}-2`, fulfilment);
  await expect.poll(() => statusOf(number), { timeout: 10_000 }).toBe('shipped');

  await openWidget(page);
  await say(page, `where is my order #${number}`);
  const form = page.getByRole('form', { name: 'Track your order' }).last();
  await expect(form.getByRole('textbox', { name: 'Order number' })).toHaveValue(number);
  await form.getByRole('textbox', { name: 'Email used for the order' }).fill('mia.chen@example.com');
  await form.getByRole('button', { name: 'Find my order' }).click();
  const tracked = lastReply(page).getByRole('region', { name: new RegExp(`Order ${number}`) });
  await expect(tracked).toBeVisible();
  await expect(tracked.locator('.step-label')).toHaveText(['Placed', 'Paid', 'Shipped']);
  await expect(tracked.getByRole('link', { name: /Track the parcel/ })).toHaveAttribute(
    'href',
    'https://www.ups.com/WebTracking?trackNums=1Z827WK74630',
  );
  await expect(tracked.locator('.items')).toContainText('Halo Engagement Ring');
  await expect(tracked.locator('.items')).toContainText('6.5');
});
