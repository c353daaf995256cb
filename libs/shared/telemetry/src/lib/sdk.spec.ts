import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import { shutdownTelemetry, startTelemetry } from './sdk.js';

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('tracing with no collector listening', () => {
  it('makes spans without throwing, and shuts down within its time limit', async () => {
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = `http://127.0.0.1:${await closedPort()}`;
    process.env['OTEL_BSP_SCHEDULE_DELAY'] = '50';
    startTelemetry({ name: 'sdk-spec', version: '0.0.0' });
    for (let index = 0; index < 20; index++) {
      trace.getTracer('sdk-spec').startSpan(`span ${index}`).end();
    }
    // Long enough for the first export to be refused and its retries to be under way.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await shutdownTelemetry(500);
    // The exporter alone would retry the batch for up to its 10 s timeout.
    assert.ok(Date.now() - started < 1500, `shutdown took ${Date.now() - started} ms`);
  });
});
