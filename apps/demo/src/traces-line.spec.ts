import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tracesLine } from './traces-line.js';

const now = new Date('2026-12-05T22:02:00Z');
const url = 'http://127.0.0.1:16686';
const traceId = '0af7651916cd43dd8448eb211c80319c';
const build = { startedAt: '2026-12-05T22:00:00Z', expectedSeconds: 450 };

describe('the demo says where its traces are', () => {
  it('points at a trace when Jaeger answers', () => {
    assert.equal(
      tracesLine({ url, answering: true, build: { ...build, state: 'ready' } }, traceId, now),
      `Traces: ${url}/api/traces/${traceId} (any trace id above)`,
    );
  });

  it('says traces are not available yet while Jaeger builds, rather than failing', () => {
    assert.equal(
      tracesLine({ url, answering: false, build: { ...build, state: 'building' } }, traceId, now),
      'Traces are not available yet (traces: building Jaeger, ready in about 6 minutes); the traces of these orders are not kept',
    );
  });

  it('says why after a failed build, or when Jaeger does not answer', () => {
    assert.equal(
      tracesLine(
        { url, answering: false, build: { ...build, state: 'failed', error: 'go build failed' } },
        traceId,
        now,
      ),
      'Traces are not available (traces: the Jaeger build failed (go build failed); no traces are kept)',
    );
    assert.equal(
      tracesLine({ url, answering: false, build: { ...build, state: 'ready' } }, traceId, now),
      `Traces are not available: Jaeger does not answer at ${url}`,
    );
    assert.equal(tracesLine({ url: undefined, answering: false, build: undefined }, traceId, now), undefined);
  });
});
