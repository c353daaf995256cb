import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jaegerBuildingNotice } from './jaeger-status.js';

describe('jaegerBuildingNotice', () => {
  const now = Date.parse('2026-12-05T10:00:00Z');

  it('says how many minutes are left while Jaeger builds', () => {
    const status = JSON.stringify({ state: 'building', startedAt: '2026-12-05T09:58:00Z', expectedSeconds: 480 });
    assert.equal(jaegerBuildingNotice(status, now), 'traces: building Jaeger, ready in about 6 minutes');
  });

  it('says at least one minute once the expected time has passed', () => {
    const status = JSON.stringify({ state: 'building', startedAt: '2026-12-05T09:00:00Z', expectedSeconds: 480 });
    assert.equal(jaegerBuildingNotice(status, now), 'traces: building Jaeger, ready in about 1 minute');
  });

  it('says nothing when Jaeger is ready or failed, or the file is missing or not JSON', () => {
    assert.equal(jaegerBuildingNotice(JSON.stringify({ state: 'ready' }), now), undefined);
    assert.equal(jaegerBuildingNotice(JSON.stringify({ state: 'failed' }), now), undefined);
    assert.equal(jaegerBuildingNotice(undefined, now), undefined);
    assert.equal(jaegerBuildingNotice('{', now), undefined);
  });
});
