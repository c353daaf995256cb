import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sessionSettings } from './sql-pool.js';

describe('sessionSettings: the timeouts a pool connection sends', () => {
  const databaseUrl = 'postgresql://order_runtime:secret@127.0.0.1:5432/orders';

  it('sends every timeout given, 0 (no limit) included, so none falls back to the role default', () => {
    assert.equal(
      sessionSettings({
        databaseUrl,
        applicationName: 'order',
        statementTimeoutMs: 30_000,
        lockTimeoutMs: 0,
        idleInTransactionTimeoutMs: 60_000,
      }),
      '-c statement_timeout=30000 -c lock_timeout=0 -c idle_in_transaction_session_timeout=60000',
    );
  });

  it('leaves out a timeout not given: the role default applies', () => {
    assert.equal(sessionSettings({ databaseUrl, applicationName: 'audit' }), undefined);
    assert.equal(sessionSettings({ databaseUrl, applicationName: 'audit', lockTimeoutMs: 250 }), '-c lock_timeout=250');
  });

  it('keeps the options the URL carries, before its own', () => {
    assert.equal(
      sessionSettings({
        databaseUrl: `${databaseUrl}?options=${encodeURIComponent('-c search_path=public')}`,
        applicationName: 'order',
        statementTimeoutMs: 5_000,
      }),
      '-c search_path=public -c statement_timeout=5000',
    );
  });
});
