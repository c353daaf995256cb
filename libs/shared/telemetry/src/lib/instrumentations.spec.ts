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
  it('probes, scrapes and the 2PC protocol, whose requests make their own spans', () => {
    assert.equal(untracedIncoming({ url: '/health/ready' }), true);
    assert.equal(untracedIncoming({ url: '/metrics' }), true);
    assert.equal(untracedIncoming({ url: '/2pc/transactions/8d1e5d9c-4b0f-4b8e-9d55-0f5f1f1b9a01/prepare' }), true);
    assert.equal(untracedIncoming({ url: '/orders' }), false);
    assert.equal(untracedIncoming({ url: '/transactions' }), false);
    assert.equal(untracedOutgoing({ path: '/2pc/transactions/8d1e5d9c-4b0f-4b8e-9d55-0f5f1f1b9a01/commit' }), true);
    assert.equal(untracedOutgoing({ path: '/transactions' }), false);
  });
});
