import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDatabaseUnavailable, isTransactionConflict, isUniqueViolation } from './database-unavailable.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('recognises a server shutting down or starting, a lost connection and a refused socket', () => {
    assert.ok(isDatabaseUnavailable(withCode('terminating connection due to administrator command', '57P01')));
    assert.ok(isDatabaseUnavailable(withCode('the database system is starting up', '57P03')));
    assert.ok(isDatabaseUnavailable(withCode('connection failure', '08006')));
    assert.ok(isDatabaseUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')));
    assert.ok(isDatabaseUnavailable(new Error('Connection terminated unexpectedly')));
  });

  it('looks through the cause chain, as a driver adapter wraps the error', () => {
    assert.ok(isDatabaseUnavailable(new Error('query failed', { cause: withCode('shutting down', '57P01') })));
  });

  it('does not take errors of the work itself for an outage', () => {
    assert.equal(isDatabaseUnavailable(withCode('duplicate key value', '23505')), false);
    assert.equal(isDatabaseUnavailable(withCode('canceling statement due to lock timeout', '55P03')), false);
    assert.equal(isDatabaseUnavailable(new Error('handler bug')), false);
    assert.equal(isDatabaseUnavailable('not an error'), false);
  });
});

describe('isTransactionConflict', () => {
  it('recognises a deadlock victim and a serialization failure, also as a cause', () => {
    assert.ok(isTransactionConflict(withCode('deadlock detected', '40P01')));
    assert.ok(isTransactionConflict(withCode('could not serialize access', '40001')));
    assert.ok(isTransactionConflict(new Error('batch failed', { cause: withCode('deadlock detected', '40P01') })));
  });

  it('does not take other failures for a lost race', () => {
    assert.equal(isTransactionConflict(withCode('duplicate key value', '23505')), false);
    assert.equal(isTransactionConflict(withCode('terminating connection', '57P01')), false);
    assert.equal(isTransactionConflict(new Error('handler bug')), false);
  });
});

describe('isUniqueViolation', () => {
  it('recognises a unique key refusing a row, also as a cause', () => {
    assert.ok(isUniqueViolation(withCode('duplicate key value violates unique constraint', '23505')));
    assert.ok(isUniqueViolation(new Error('handler failed', { cause: withCode('duplicate key value', '23505') })));
  });

  it('does not take other constraint failures or errors for it', () => {
    assert.equal(isUniqueViolation(withCode('violates check constraint', '23514')), false);
    assert.equal(isUniqueViolation(withCode('violates foreign key constraint', '23503')), false);
    assert.equal(isUniqueViolation(new Error('duplicate key value')), false);
  });
});
