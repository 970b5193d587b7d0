import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { ConnectorError, FAILURE_TYPES, NON_RETRYABLE_FAILURE_TYPES, throwAsApplicationFailure, toApplicationFailure } from './errors';

describe('connector errors as Temporal failures', () => {
  it('permanent classes become non-retryable failures named per class, keeping code and message', () => {
    const failure = toApplicationFailure(new ConnectorError({ class: 'missing-lookup', status: 400, code: '0x80060891', message: 'A record with the specified key values does not exist in msdyn_customergroup entity' }));
    assert.ok(failure instanceof ApplicationFailure);
    assert.equal(failure.type, 'DualWrite.MissingLookup');
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, /HTTP 400, code 0x80060891/);
    assert.deepEqual(failure.details?.[0], { class: 'missing-lookup', status: 400, code: '0x80060891', message: 'A record with the specified key values does not exist in msdyn_customergroup entity' });
  });

  it('retryable classes stay retryable; throttling passes Retry-After as the next retry delay', () => {
    const failure = toApplicationFailure(new ConnectorError({ class: 'throttled', status: 429, message: 'slow down', retryAfterMs: 60_000 }));
    assert.ok(failure instanceof ApplicationFailure);
    assert.equal(failure.nonRetryable, false);
    assert.equal(failure.type, 'DualWrite.Throttled');
    assert.equal(failure.nextRetryDelay, 60_000);
  });

  it('other errors pass through; the non-retryable list matches the classes', () => {
    const bug = new TypeError('x is undefined');
    assert.equal(toApplicationFailure(bug), bug);
    assert.throws(() => throwAsApplicationFailure(new ConnectorError({ class: 'auth', status: 401, message: 'no' })), (err: unknown) => err instanceof ApplicationFailure && err.type === 'DualWrite.Auth' && err.nonRetryable);
    assert.deepEqual([...NON_RETRYABLE_FAILURE_TYPES].sort(), ['DualWrite.Auth', 'DualWrite.Conflict', 'DualWrite.MissingLookup', 'DualWrite.NotFound', 'DualWrite.Transform', 'DualWrite.Validation']);
    assert.equal(Object.keys(FAILURE_TYPES).length, 10);
  });
});
