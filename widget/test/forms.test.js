// The form checks the widget makes before sending (the server checks again).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validate } from '../src/forms.js';

/** @type {Field[]} */
const fields = [
  { name: 'order_number', label: 'Order number', type: 'text', required: true, max_length: 10 },
  { name: 'email', label: 'Email', type: 'email', required: true },
  { name: 'request', label: 'Request', type: 'radio', required: true, choices: [{ value: 'return', label: 'Return' }, { value: 'resize', label: 'Resize' }] },
  { name: 'new_size', label: 'New size', type: 'text', required: false, required_when: { field: 'request', equals: 'resize' } },
  { name: 'extras', label: 'Extras', type: 'checkboxes', required: false, choices: [{ value: 'a', label: 'A' }] },
];

test('every problem is listed with its field', () => {
  const problems = validate(fields, { order_number: '', email: 'nope', request: 'swap', new_size: '', extras: [] });
  assert.deepEqual(problems.map((p) => p.field), ['order_number', 'email', 'request']);
  assert.equal(problems[0].message, 'Order number is required.');
});

test('a field is required when the condition it names holds', () => {
  const base = { order_number: 'GG-1', email: 'a@b.co', request: 'return', new_size: '', extras: [] };
  assert.deepEqual(validate(fields, base), []);
  assert.deepEqual(validate(fields, { ...base, request: 'resize' }).map((p) => p.field), ['new_size']);
});

test('lengths count characters, and emails need a dotted domain', () => {
  assert.deepEqual(validate(fields, { order_number: 'ééééééééééé', email: 'a@b', request: 'return', extras: [] }).map((p) => p.field), ['order_number', 'email']);
  for (const good of ['a@b.co', 'first.last+tag@shop.example.com']) {
    assert.deepEqual(validate([fields[1]], { email: good }), [], good);
  }
  for (const bad of ['a', 'a@b', '@b.co', 'a@b.co.', 'a b@c.co', 'a@.co']) {
    assert.equal(validate([fields[1]], { email: bad }).length, 1, bad);
  }
});
