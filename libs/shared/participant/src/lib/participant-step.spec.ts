import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMessage, inventoryParticipant, type MessageType, type PayloadOf } from '@dtx/contracts';
import type { MessageHandler, MessageHandlers } from '@dtx/inbox';
import { outgoing } from '@dtx/outbox';
import type { SqlTransaction } from '@dtx/sql';
import { choreographed } from './choreography-handler.js';
import { participantStep } from './participant-step.js';
import { orchestrated } from './saga-command-handler.js';

interface StepRow {
  state: 'ACTION_DONE' | 'COMPENSATED';
  action_outcome: string | null;
  action_reason: string | null;
  compensation_outcome: string | null;
}

/** participant_steps in memory: the guard's lookup, its action row (refused, as by the primary key, if the step has one), its null compensation's row (only if the step has none) and its compensation's update. */
function stepsTable(): SqlTransaction {
  const rows = new Map<string, StepRow>();
  const compensated = (outcome: unknown): StepRow => ({
    state: 'COMPENSATED',
    action_outcome: null,
    action_reason: null,
    compensation_outcome: String(outcome),
  });
  return {
    query: async <Row>(text: string, orderId: unknown, resource: unknown, outcome?: unknown) => {
      const id = `${orderId}/${resource}`;
      const row = rows.get(id);
      if (text.startsWith('INSERT')) {
        if (row) {
          return [];
        }
        rows.set(id, compensated(outcome));
        return [{ order_id: orderId }] as Row[];
      }
      return (row ? [row] : []) as Row[];
    },
    execute: async (text: string, orderId: unknown, resource: unknown, outcome: unknown, reason: unknown) => {
      const id = `${orderId}/${resource}`;
      const before = rows.get(id);
      if (text.includes("'ACTION_DONE'")) {
        if (before) {
          throw Object.assign(new Error('duplicate key value violates unique constraint "participant_steps_pkey"'), {
            code: '23505',
          });
        }
        rows.set(id, {
          state: 'ACTION_DONE',
          action_outcome: String(outcome),
          action_reason: reason ? String(reason) : null,
          compensation_outcome: null,
        });
        return 1;
      }
      if (!before) {
        return 0;
      }
      rows.set(id, { ...before, state: 'COMPENSATED', compensation_outcome: String(outcome) });
      return 1;
    },
  };
}

const orderId = '0b9c1d6e-8a4f-4c55-9d6e-1f2a3b4c5d6e';
const sagaId = '7d3e2f1a-5b6c-4d7e-8f9a-0b1c2d3e4f5a';
const order = { orderId, customerId: 'c-1', total: 700, items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 700 }] };

/** A stock step whose work counts its runs; `available` decides the reservation. */
function stockStep(available = true) {
  const runs = { reserve: 0, release: 0 };
  const step = participantStep({
    resource: 'stock',
    action: {
      command: inventoryParticipant.reserveStock,
      name: 'reserve-stock',
      run: async (_tx, { orderId, customerId, total, items }) => {
        runs.reserve++;
        return available
          ? { outcome: 'StockReserved', events: [outgoing('StockReserved', { orderId, customerId, total, items })] }
          : { outcome: 'StockUnavailable', reason: 'OUT_OF_STOCK', events: [] };
      },
    },
    compensation: {
      command: inventoryParticipant.releaseStock,
      name: 'release-stock',
      run: async () => {
        runs.release++;
        return { outcome: 'StockReleased', events: [] };
      },
    },
  });
  return { step, runs };
}

async function handle<Type extends MessageType>(
  handlers: MessageHandlers,
  tx: SqlTransaction,
  type: Type,
  payload: PayloadOf<Type>,
  assumeNew?: boolean,
) {
  const handler = handlers[type] as MessageHandler<Type> | undefined;
  assert.ok(handler, `a handler for ${type}`);
  const message = createMessage(type, payload, {
    source: 'test',
    aggregateId: orderId,
    correlationId: sagaId,
    causationId: null,
    lamport: 1,
  });
  // As the dispatcher does: a message the handler does not apply to is skipped.
  if (handler.appliesTo?.(message) === false) {
    return [];
  }
  return (await handler({ tx, message, ...(assumeNew === undefined ? {} : { assumeNew }) })) ?? [];
}

const command = (attempt: number) => ({ sagaId, step: 'reserve-stock', attempt, orderId });
const reply = (attempt: number, name: string, outcome: string, reason?: string) =>
  outgoing('SagaReply', { ...command(attempt), command: name, outcome, ...(reason ? { reason } : {}) });

describe('orchestrated', () => {
  it('handles the command of each action and compensation', () => {
    const commit = participantStep({
      resource: 'stock-commit',
      action: {
        command: inventoryParticipant.commitStock,
        name: 'commit-stock',
        run: async () => ({ outcome: 'StockCommitted', events: [] }),
      },
    });
    assert.deepEqual(Object.keys(orchestrated(stockStep().step, commit)).sort(), [
      'CommitStock',
      'ReleaseStock',
      'ReserveStock',
    ]);
  });

  it('refuses two steps answering one command', () => {
    assert.throws(() => orchestrated(stockStep().step, stockStep().step), /ReserveStock is answered by two steps/);
  });

  it('runs an action once and replies with its first outcome to every attempt', async () => {
    const { step, runs } = stockStep(false);
    const handlers = orchestrated(step);
    const tx = stepsTable();
    assert.deepEqual(await handle(handlers, tx, 'ReserveStock', { ...command(1), ...order }), [
      reply(1, 'ReserveStock', 'StockUnavailable', 'OUT_OF_STOCK'),
    ]);
    assert.deepEqual(await handle(handlers, tx, 'ReserveStock', { ...command(2), ...order }), [
      reply(2, 'ReserveStock', 'StockUnavailable', 'OUT_OF_STOCK'),
    ]);
    assert.equal(runs.reserve, 1);
  });

  it('compensates an action that ran, once', async () => {
    const { step, runs } = stockStep();
    const handlers = orchestrated(step);
    const tx = stepsTable();
    await handle(handlers, tx, 'ReserveStock', { ...command(1), ...order });
    assert.deepEqual(await handle(handlers, tx, 'ReleaseStock', command(1)), [
      reply(1, 'ReleaseStock', 'StockReleased'),
    ]);
    assert.deepEqual(await handle(handlers, tx, 'ReleaseStock', command(2)), [
      reply(2, 'ReleaseStock', 'StockReleased'),
    ]);
    assert.equal(runs.release, 1);
  });

  it('answers a compensation that comes first with its success, and refuses the action after it', async () => {
    const { step, runs } = stockStep();
    const handlers = orchestrated(step);
    const tx = stepsTable();
    assert.deepEqual(await handle(handlers, tx, 'ReleaseStock', command(1)), [
      reply(1, 'ReleaseStock', 'StockReleased'),
    ]);
    assert.deepEqual(await handle(handlers, tx, 'ReserveStock', { ...command(1), ...order }), [
      reply(1, 'ReserveStock', 'ActionRefused', 'the step was compensated before its action arrived'),
    ]);
    assert.deepEqual(runs, { reserve: 0, release: 0 });
  });
});

describe('a first try that assumes the step new', () => {
  it('runs a new action and records it as the careful try would', async () => {
    const { step, runs } = stockStep();
    const tx = stepsTable();
    assert.deepEqual(await handle(orchestrated(step), tx, 'ReserveStock', { ...command(1), ...order }, true), [
      reply(1, 'ReserveStock', 'StockReserved'),
    ]);
    assert.deepEqual(await handle(orchestrated(step), tx, 'ReserveStock', { ...command(2), ...order }), [
      reply(2, 'ReserveStock', 'StockReserved'),
    ]);
    assert.equal(runs.reserve, 1, 'the careful try found the step');
  });

  it('fails on the step key for an action done already, and for one whose compensation came first', async () => {
    const done = stockStep();
    const tx = stepsTable();
    await handle(orchestrated(done.step), tx, 'ReserveStock', { ...command(1), ...order });
    await assert.rejects(
      handle(orchestrated(done.step), tx, 'ReserveStock', { ...command(2), ...order }, true),
      (error: { code?: string }) => error.code === '23505',
    );
    const compensated = stockStep();
    const other = stepsTable();
    await handle(orchestrated(compensated.step), other, 'ReleaseStock', command(1), true);
    await assert.rejects(
      handle(
        { OrderCreated: choreographed(compensated.step.action, (created) => created) },
        other,
        'OrderCreated',
        { ...order, mode: 'choreography' },
        true,
      ),
      (error: { code?: string }) => error.code === '23505',
    );
    assert.deepEqual(
      await handle(orchestrated(compensated.step), other, 'ReserveStock', { ...command(1), ...order }),
      [reply(1, 'ReserveStock', 'ActionRefused', 'the step was compensated before its action arrived')],
      'the careful try refuses it',
    );
  });
});

describe('choreographed', () => {
  it('runs the step for a choreographed order and publishes its events', async () => {
    const { step } = stockStep();
    const handlers: MessageHandlers = { OrderCreated: choreographed(step.action, (created) => created) };
    const events = await handle(handlers, stepsTable(), 'OrderCreated', { ...order, mode: 'choreography' });
    assert.deepEqual(events, [outgoing('StockReserved', order)]);
  });

  it('does not apply to an order in another mode, which the dispatcher then skips', async () => {
    const { step, runs } = stockStep();
    const handler = choreographed<'OrderCreated', 'ReserveStock'>(step.action, (created) => created);
    const created = (mode: 'choreography' | 'orchestration') =>
      createMessage(
        'OrderCreated',
        { ...order, mode },
        {
          source: 'test',
          aggregateId: orderId,
          correlationId: orderId,
          causationId: null,
          lamport: 1,
        },
      );
    assert.equal(handler.appliesTo?.(created('orchestration')), false);
    assert.equal(handler.appliesTo?.(created('choreography')), true);
    assert.deepEqual(
      await handle({ OrderCreated: handler }, stepsTable(), 'OrderCreated', { ...order, mode: 'orchestration' }),
      [],
    );
    assert.equal(runs.reserve, 0);
  });

  it('guards the same row as the orchestrated flow: one declaration, one step', async () => {
    const { step, runs } = stockStep();
    const tx = stepsTable();
    await handle({ OrderCreated: choreographed(step.action, (created) => created) }, tx, 'OrderCreated', {
      ...order,
      mode: 'choreography',
    });
    assert.deepEqual(await handle(orchestrated(step), tx, 'ReserveStock', { ...command(1), ...order }), [
      reply(1, 'ReserveStock', 'StockReserved'),
    ]);
    assert.equal(runs.reserve, 1);
  });
});
