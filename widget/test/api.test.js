// How the widget sorts the API's failures: each kind is explained, and retried, its own way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindOf } from '../src/api.js';

test('a request still being answered is retried with its key, not resent as a new one', () => {
  // A 409 for the same Idempotency-Key is "wait and retry"; forms treat `conflict` as a
  // definitive answer and would send the next attempt under a new key.
  assert.equal(kindOf(409, 'idempotency_key_in_use'), 'in_progress');
  assert.equal(kindOf(409, 'csat_already_given'), 'conflict');
});

test('rate limits, the kill switch and validation are told apart', () => {
  assert.equal(kindOf(429, 'rate_limited'), 'rate_limited');
  assert.equal(kindOf(503, 'concierge_disabled'), 'disabled');
  assert.equal(kindOf(422, 'invalid_fields'), 'invalid');
  assert.equal(kindOf(503, 'database_unavailable'), 'server');
});
