import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { MessageEnvelope } from '@dtx/contracts';
import type { SqlTransaction } from '@dtx/sql';
import { Outbox, outgoing } from './outbox.js';

/** A transaction that plays the clock row and records the statements, for the outbox's own logic. */
function recordingTransaction(clock: number) {
  const statements: { text: string; values: unknown[] }[] = [];
  const tx: SqlTransaction = {
    query: async <Row>(text: string, ...values: unknown[]) => {
      statements.push({ text, values });
      const [ids, , , , , , latestCause] = values as [string[], ...unknown[]];
      clock = Math.max(clock, latestCause as number) + ids.length;
      return [{ before: String(clock - ids.length) }] as Row[];
    },
    execute: async (text: string, ...values: unknown[]) => {
      statements.push({ text, values });
      return 1;
    },
  };
  return { tx, statements };
}

const cause = (lamport: number) => ({ id: randomUUID(), lamport });

describe('Outbox.emitAll', () => {
  it('stores what a batch emits in one statement, each message stamped after its own cause', async () => {
    const { tx, statements } = recordingTransaction(5);
    const outbox = new Outbox({ source: 'inventory', notifyChannel: 'outbox_inventory' });
    const [first, second] = [randomUUID(), randomUUID()];
    const causes = [cause(3), cause(40)];
    const stored = await outbox.emitAll(tx, [
      {
        messages: [outgoing('StockCommitted', { orderId: first, items: [] })],
        causation: { aggregateId: first, correlationId: first, cause: causes[0] },
      },
      { messages: [], causation: { aggregateId: randomUUID(), correlationId: randomUUID() } },
      {
        messages: [
          outgoing('StockReleased', { orderId: second, items: [] }),
          outgoing('StockCommitted', { orderId: second, items: [] }),
        ],
        causation: { aggregateId: second, correlationId: second, cause: causes[1] },
      },
    ]);

    assert.equal(statements.length, 1, 'the clock, the rows and the wake-up call in one statement');
    assert.equal(statements[0]?.values[6], 40, 'the clock moves past the latest cause');
    assert.deepEqual(
      stored.map((message: MessageEnvelope) => [message.type, message.aggregateId, message.lamport]),
      [
        ['StockCommitted', first, 41],
        ['StockReleased', second, 42],
        ['StockCommitted', second, 43],
      ],
    );
    assert.deepEqual(
      stored.map((message) => message.causationId),
      [causes[0]?.id, causes[1]?.id, causes[1]?.id],
    );
    assert.deepEqual(
      statements[0]?.values[0],
      stored.map((message) => message.id),
      'rows in the order emitted',
    );
  });

  it('touches nothing when nothing is emitted', async () => {
    const { tx, statements } = recordingTransaction(0);
    const outbox = new Outbox({ source: 'order', notifyChannel: 'outbox_order' });
    assert.deepEqual(
      await outbox.emitAll(tx, [{ messages: [], causation: { aggregateId: 'a', correlationId: 'a' } }]),
      [],
    );
    assert.equal(statements.length, 0);
  });
});
