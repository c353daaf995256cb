import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consoleLinks } from './console-links.js';

describe('consoleLinks', () => {
  it("links the order's page and its trace's waterfall", () => {
    assert.equal(
      consoleLinks('0b6f3c2a-6f0e-4c1e-9d2a-3e4f5a6b7c8d', 'abc123', 'http://127.0.0.1:3006/'),
      'http://127.0.0.1:3006/orders/0b6f3c2a-6f0e-4c1e-9d2a-3e4f5a6b7c8d  (trace: http://127.0.0.1:3006/traces/abc123)',
    );
  });

  it('links only the order when it has no trace', () => {
    assert.equal(consoleLinks('o-1', null, 'http://console'), 'http://console/orders/o-1');
  });
});
