import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tracedLibraries, untracedIncoming, untracedOutgoing } from './instrumentations.js';

const names = (environment: NodeJS.ProcessEnv) =>
  tracedLibraries(environment).map((instrumentation) => instrumentation.instrumentationName);

describe('traced libraries', () => {
  it('traces HTTP, and SQL statements only when OTEL_TRACE_SQL=true', () => {
    assert.deepEqual(names({}), ['@opentelemetry/instrumentation-http']);
    assert.deepEqual(names({ OTEL_TRACE_SQL: 'false' }), ['@opentelemetry/instrumentation-http']);
    assert.deepEqual(names({ OTEL_TRACE_SQL: 'true' }), [
      '@opentelemetry/instrumentation-http',
      '@opentelemetry/instrumentation-pg',
    ]);
  });
});

describe('requests without an HTTP span', () => {
  const transactionPath = '/2pc/transactions/8d1e5d9c-4b0f-4b8e-9d55-0f5f1f1b9a01';

  it('probes, scrapes and the 2PC protocol, whose requests make their own spans', () => {
    assert.equal(untracedIncoming({ method: 'GET', url: '/health/ready' }), true);
    assert.equal(untracedIncoming({ method: 'GET', url: '/metrics' }), true);
    assert.equal(untracedIncoming({ method: 'POST', url: `${transactionPath}/prepare` }), true);
    assert.equal(untracedIncoming({ method: 'POST', url: '/transactions' }), true);
    assert.equal(untracedOutgoing({ method: 'POST', path: `${transactionPath}/commit` }), true);
    assert.equal(untracedOutgoing({ method: 'POST', path: '/transactions' }), true);
  });

  it('everything else, reading a transaction too', () => {
    assert.equal(untracedIncoming({ method: 'POST', url: '/orders' }), false);
    assert.equal(untracedIncoming({ method: 'GET', url: '/transactions/8d1e5d9c-4b0f-4b8e-9d55-0f5f1f1b9a01' }), false);
    assert.equal(untracedOutgoing({ method: 'GET', path: '/inventory/SKU-1' }), false);
  });
});
