import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObservedMessage } from '@dtx/inspection';
import { formatMoney, messageRows, sagaStepRows } from './order-story.js';

const message = (id: string, causationId: string | null, lamport: number, extra: Partial<ObservedMessage> = {}) =>
  ({
    id,
    type: `T${id}`,
    source: 'svc',
    topic: 'p.orders.created',
    partition: 0,
    offset: String(lamport),
    causationId,
    correlationId: 'o',
    lamport,
    payload: { step: 'reserve-stock' },
    ...extra,
  }) satisfies ObservedMessage;

describe('order story', () => {
  it('lists messages in causal order, without the topic prefix, marking redeliveries, dead letters and replays', () => {
    const rows = messageRows(
      [
        message('b', 'a', 5),
        message('a', null, 1),
        message('b', 'a', 5, { offset: '9' }),
        message('b', 'a', 5, {
          topic: 'p.inventory.dead-letters',
          deadLetter: { reason: 'HANDLER_FAILED', error: 'x', consumerGroup: 'g' },
        }),
        message('b', 'a', 5, { offset: '12', replay: { by: 'admin', at: '2026-12-05T10:00:00Z' } }),
      ],
      'p.',
    );
    assert.deepEqual(
      rows.map((row) => [row.id, row.depth, row.copy, row.topic, row.deadLetter?.reason ?? '', row.replay?.by ?? '']),
      [
        ['a', 0, 1, 'orders.created', '', ''],
        ['b', 1, 1, 'inventory.dead-letters', 'HANDLER_FAILED', ''],
        ['b', 1, 1, 'orders.created', '', ''],
        ['b', 1, 2, 'orders.created', '', ''],
        ['b', 1, 3, 'orders.created', '', 'admin'],
      ],
    );
    assert.equal(rows[0]?.summary, 'step="reserve-stock"');
  });

  it('orders saga steps by when they started, keeping the history order for ties', () => {
    const at = (ms: number) => new Date(Date.parse('2026-12-05T10:00:00Z') + ms).toISOString();
    const rows = sagaStepRows([
      { name: 'b', kind: 'action', status: 'FAILED', attempts: 2, startedAt: at(10), endedAt: at(30) },
      { name: 'a', kind: 'action', status: 'SUCCEEDED', attempts: 1, startedAt: at(0), endedAt: at(5) },
      { name: 'a', kind: 'compensation', status: 'SUCCEEDED', attempts: 1, startedAt: at(30), endedAt: null },
      { name: 'c', kind: 'compensation', status: 'SUCCEEDED', attempts: 1, startedAt: at(30), endedAt: at(31) },
    ]);
    assert.deepEqual(
      rows.map((row) => `${row.position} ${row.name} ${row.kind} ${row.durationMs}`),
      ['1 a action 5', '2 b action 20', '3 a compensation null', '4 c compensation 1'],
    );
  });

  it('formats money in minor units', () => {
    assert.deepEqual([formatMoney(1250), formatMoney(5), formatMoney(-101)], ['12.50', '0.05', '-1.01']);
  });
});
