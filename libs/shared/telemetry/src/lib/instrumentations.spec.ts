import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tracedLibraries } from './instrumentations.js';

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
