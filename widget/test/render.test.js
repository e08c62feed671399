// Rendering reply blocks, against the tiny fake DOM in fake-dom.js: server text must end up as
// text nodes, and buttons must send their actions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import './fake-dom.js';
import { renderBlocks, summary } from '../src/render.js';

function context() {
  /** @type {Array<[{ text?: string, action?: string }, string]>} */
  const sent = [];
  /** @type {Array<[string, string]>} */
  const remembered = [];
  const ctx = {
    api: 'https://concierge.example.com',
    send: (/** @type {any} */ body, /** @type {string} */ label) => sent.push([body, label]),
    remember: (/** @type {string} */ action, /** @type {string} */ label) => remembered.push([action, label]),
    submit: async () => ({}),
    toggleShortlist: () => {},
    shortlisted: () => false,
    details: async () => null,
  };
  return { ctx: /** @type {any} */ (ctx), sent, remembered };
}

/** @param {string} text */
const answer = (text) => ({
  type: 'answer',
  text,
  source: 'Shipping destinations',
  follow_ups: [
    { label: 'Yes, this helped', action: 'helpful:yes' },
    { label: 'Not helpful', action: 'helpful:no' },
    { label: 'Talk to a stylist', action: 'stylist' },
  ],
});

/** Every node under `el` is an element or a text node; returns the text nodes. @param {any} el */
function textNodes(el) {
  /** @type {any[]} */
  const out = [];
  for (const node of el.childNodes) {
    assert.ok(node.nodeType === 1 || node.nodeType === 3, 'only elements and text nodes');
    if (node.nodeType === 3) out.push(node);
    else out.push(...textNodes(node));
  }
  return out;
}

test('an answer renders its paragraphs, list items, source and follow-ups', () => {
  const { ctx, sent, remembered } = context();
  const text = 'We ship to the United States, Canada and the UK.\nDuties are included.\n\nDelivery takes:\n- 2–4 days in the US\n- 5–8 days elsewhere\n\nAsk us anything.';
  const [el, ...rest] = /** @type {any[]} */ (renderBlocks([/** @type {Block} */ (answer(text))], ctx, true));
  assert.equal(rest.length, 0);
  assert.equal(el.className, 'answer');

  const [body, source, group] = el.children;
  assert.equal(body.className, 'text');
  assert.deepEqual(body.children.map((/** @type {any} */ c) => c.tagName), ['P', 'P', 'UL', 'P']);
  assert.equal(body.children[0].textContent, 'We ship to the United States, Canada and the UK.\nDuties are included.');
  assert.equal(body.children[1].textContent, 'Delivery takes:');
  assert.deepEqual(body.children[2].children.map((/** @type {any} */ li) => [li.tagName, li.textContent]), [['LI', '2–4 days in the US'], ['LI', '5–8 days elsewhere']]);
  assert.equal(body.children[3].textContent, 'Ask us anything.');

  assert.equal(source.tagName, 'P');
  assert.equal(source.textContent, 'From “Shipping destinations”');

  assert.equal(group.getAttribute('role'), 'group');
  assert.equal(group.getAttribute('aria-label'), 'Suggestions');
  const buttons = group.children;
  assert.deepEqual(buttons.map((/** @type {any} */ b) => [b.tagName, b.getAttribute('type'), b.textContent]), [
    ['BUTTON', 'button', 'Yes, this helped'],
    ['BUTTON', 'button', 'Not helpful'],
    ['BUTTON', 'button', 'Talk to a stylist'],
  ]);
  assert.deepEqual(remembered, [['helpful:yes', 'Yes, this helped'], ['helpful:no', 'Not helpful'], ['stylist', 'Talk to a stylist']]);
  buttons[1].click();
  buttons[2].click();
  assert.deepEqual(sent, [[{ action: 'helpful:no' }, 'Not helpful'], [{ action: 'stylist' }, 'Talk to a stylist']]);
});

test('hostile answer text stays inert text', () => {
  const { ctx } = context();
  const hostile = '<img src=x onerror=alert(1)>';
  const block = { ...answer(`${hostile}\n\n- <script>alert(2)</script>`), source: '<b>x</b>' };
  const [el] = /** @type {any[]} */ (renderBlocks([/** @type {Block} */ (block)], ctx, true));
  assert.equal(el.findAll((/** @type {any} */ e) => e.tagName === 'IMG' || e.tagName === 'SCRIPT' || e.tagName === 'B').length, 0);
  const texts = textNodes(el).map((n) => n.data);
  assert.ok(texts.includes(hostile), JSON.stringify(texts));
  assert.ok(texts.includes('<script>alert(2)</script>'), JSON.stringify(texts));
  assert.ok(texts.includes('From “<b>x</b>”'), JSON.stringify(texts));
});

test('an answer without follow-ups has no empty button group', () => {
  const { ctx } = context();
  const [el] = /** @type {any[]} */ (renderBlocks([/** @type {Block} */ ({ ...answer('Yes.'), follow_ups: [] })], ctx, true));
  assert.deepEqual(el.children.map((/** @type {any} */ c) => c.className), ['text', 'muted source']);
});

test('quick replies still render as before', () => {
  const { ctx, sent } = context();
  const [el] = /** @type {any[]} */ (renderBlocks([{ type: 'quick_replies', replies: [{ label: 'Rings', action: 'category:rings' }] }], ctx, true));
  assert.equal(el.className, 'chips');
  assert.equal(el.getAttribute('role'), 'group');
  el.children[0].click();
  assert.deepEqual(sent, [[{ action: 'category:rings' }, 'Rings']]);
});

test('an answer is announced by its text', () => {
  assert.equal(summary([{ type: 'text', text: 'Here is what I found.' }, /** @type {Block} */ (answer('We ship to Canada.'))]), 'Here is what I found. We ship to Canada.');
});
