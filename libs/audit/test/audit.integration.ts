import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import type { AuditReport, ViolationKind, ViolationSubject } from '../src/index.js';
import { seededSystem, type SeededSystem } from './seeded-system.js';

type Expected = [ViolationKind, ViolationSubject, string];

const found = (report: AuditReport): Expected[] =>
  report.violations.map((violation) => [violation.kind, violation.subject, violation.id]);

/** A fresh consistent system for one test, dropped afterwards whatever happens. */
async function withSystem(test: (system: SeededSystem) => Promise<void>): Promise<void> {
  const system = await seededSystem();
  try {
    await test(system);
  } finally {
    await system.drop();
  }
}

const envelope = (orderId: string, type = 'OrderConfirmed') =>
  JSON.stringify({ id: randomUUID(), type, schemaVersion: 1, aggregateId: orderId, payload: { orderId } });

describe('auditSystem on a consistent run', () => {
  it('finds nothing wrong, and accounts for the dead letters whose loss had no effect', async () => {
    await withSystem(async (system) => {
      const confirmed = system.orders['choreography-confirmed'] ?? '';
      await system.deadLetter('inventory', { key: confirmed, value: envelope(confirmed), reason: 'HANDLER_FAILED' });
      await system.deadLetter('payment', { key: 'poison', value: '{not json', reason: 'INVALID_JSON' });

      const report = await system.audit();

      assert.deepEqual(found(report), []);
      assert.equal(report.settled, true);
      assert.equal(report.orders.total, 7);
      assert.deepEqual(report.orders.byMode, {
        choreography: { CONFIRMED: 1, CANCELLED: 2 },
        orchestration: { CONFIRMED: 1, CANCELLED: 1 },
        '2pc': { CONFIRMED: 1, CANCELLED: 1 },
      });
      assert.deepEqual(
        report.deadLetters.map((letter) => [letter.reason, letter.orderId, letter.accountedFor]).sort(),
        [
          ['HANDLER_FAILED', confirmed, true],
          ['INVALID_JSON', 'poison', true],
        ],
      );
      assert.equal(report.deadLetters.find((letter) => letter.reason === 'HANDLER_FAILED')?.type, 'OrderConfirmed');
    });
  });

  it('waits for an order to become final within the wait', async () => {
    await withSystem(async (system) => {
      const pending = await system.seedOrder({
        mode: 'choreography',
        status: 'PENDING',
        customer: 'alice',
        sku: 'BOOK',
        quantity: 1,
        unitPrice: 10,
      });
      const finishing = setTimeout(() => {
        void system.sql.order.execute(
          `UPDATE orders SET status = 'CANCELLED', reason = 'OUT_OF_STOCK' WHERE id = $1`,
          pending,
        );
      }, 1_500);
      try {
        const report = await system.audit(20);
        assert.deepEqual(found(report), []);
        assert.ok(Date.parse(report.finishedAt) - Date.parse(report.startedAt) >= 1_000);
      } finally {
        clearTimeout(finishing);
      }
    });
  });
});

interface Defect {
  name: string;
  seed(system: SeededSystem): Promise<Expected[]>;
  waitSeconds?: number;
}

const defects: Defect[] = [
  {
    name: 'stock not conserved',
    seed: async ({ sql }) => {
      await sql.inventory.execute(`UPDATE stock_items SET available = available + 1 WHERE sku = 'BOOK'`);
      return [['stock-not-conserved', 'sku', 'BOOK']];
    },
  },
  {
    name: 'a reserved counter that no reservation holds',
    seed: async ({ sql }) => {
      await sql.inventory.execute(`UPDATE stock_items SET available = available - 2, reserved = 2 WHERE sku = 'PEN'`);
      return [['stock-reserved-mismatch', 'sku', 'PEN']];
    },
  },
  {
    name: 'money not conserved',
    seed: async ({ sql }) => {
      await sql.payment.execute(`UPDATE accounts SET balance = balance - 5 WHERE customer_id = 'alice'`);
      return [['money-not-conserved', 'account', 'alice']];
    },
  },
  {
    name: 'an amount held with no authorised payment, more than the balance',
    seed: async ({ sql }) => {
      await sql.payment.execute(`UPDATE accounts SET reserved = balance + 1 WHERE customer_id = 'bob'`);
      return [
        ['account-reserved-mismatch', 'account', 'bob'],
        ['account-overdrawn', 'account', 'bob'],
      ];
    },
  },
  {
    name: 'a confirmed order without a captured payment',
    seed: async ({ seedOrder }) => {
      const id = await seedOrder({ ...bookLine, mode: 'choreography', status: 'CONFIRMED', skip: 'payment' });
      return [['confirmed-without-captured-payment', 'order', id]];
    },
  },
  {
    name: 'two captured payments for one order',
    seed: async ({ sql, orders }) => {
      const id = orders['orchestration-confirmed'] ?? '';
      // The unique index makes this impossible in a real run; the check must still see it.
      await sql.payment.execute('DROP INDEX payments_order_id_key');
      await capture(sql.payment, id, 'alice', 300);
      return [['multiple-captured-payments', 'order', id]];
    },
  },
  {
    name: 'a captured payment of another amount than the order total',
    seed: async ({ sql, orders }) => {
      const id = orders['2pc-confirmed'] ?? '';
      await sql.payment.execute(`UPDATE payments SET amount = amount + 1 WHERE order_id = $1`, id);
      await sql.payment.execute(`UPDATE accounts SET balance = balance - 1 WHERE customer_id = 'alice'`);
      return [['payment-amount-mismatch', 'order', id]];
    },
  },
  {
    name: 'a captured payment for a cancelled order',
    seed: async ({ sql, orders }) => {
      const id = orders['2pc-cancelled'] ?? '';
      await capture(sql.payment, id, 'bob', 100);
      return [['captured-payment-for-cancelled-order', 'order', id]];
    },
  },
  {
    name: 'a reservation still held for a final order',
    seed: async ({ sql, orders }) => {
      const id = orders['choreography-cancelled'] ?? '';
      await holdReservation(sql.inventory, id);
      return [['reservation-held-for-final-order', 'order', id]];
    },
  },
  {
    name: 'an authorised payment for a final order',
    seed: async ({ sql, orders }) => {
      const id = orders['choreography-cancelled'] ?? '';
      await sql.payment.execute(`UPDATE payments SET status = 'AUTHORIZED', amount = 100 WHERE order_id = $1`, id);
      await sql.payment.execute(`UPDATE accounts SET reserved = reserved + 100 WHERE customer_id = 'bob'`);
      return [['payment-authorised-for-final-order', 'order', id]];
    },
  },
  {
    name: 'a confirmed order whose stock was never sold',
    seed: async ({ seedOrder }) => {
      const id = await seedOrder({ ...bookLine, mode: '2pc', status: 'CONFIRMED', skip: 'stock' });
      return [['confirmed-without-sold-stock', 'order', id]];
    },
  },
  {
    name: 'stock sold for a cancelled order',
    seed: async ({ sql, orders }) => {
      const id = orders['2pc-cancelled'] ?? '';
      await sql.inventory.execute(`UPDATE stock_items SET available = available - 2 WHERE sku = 'BOOK'`);
      await sql.inventory.execute(
        `INSERT INTO reservations (order_id, status, items) VALUES ($1, 'COMMITTED', '[{"sku": "BOOK", "quantity": 2}]')`,
        id,
      );
      return [['sold-stock-for-cancelled-order', 'order', id]];
    },
  },
  {
    name: 'an order not final after the wait',
    waitSeconds: 1,
    seed: async ({ seedOrder }) => {
      const id = await seedOrder({ ...bookLine, mode: 'orchestration', status: 'PENDING' });
      return [['order-not-final', 'order', id]];
    },
  },
  {
    name: 'a saga disagreeing with its order',
    seed: async ({ sql, orders }) => {
      const id = orders['orchestration-confirmed'] ?? '';
      await sql.orchestrator.execute(`UPDATE saga_instances SET state = 'COMPENSATED' WHERE order_id = $1`, id);
      return [['saga-disagrees', 'order', id]];
    },
  },
  {
    name: 'a saga still running for a final order',
    seed: async ({ sql, orders }) => {
      const id = orders['orchestration-cancelled'] ?? '';
      await sql.orchestrator.execute(`UPDATE saga_instances SET state = 'COMPENSATING' WHERE order_id = $1`, id);
      return [['saga-not-finished', 'order', id]];
    },
  },
  {
    name: 'an orchestrated order without a saga',
    seed: async ({ sql, orders }) => {
      const id = orders['orchestration-cancelled'] ?? '';
      await sql.orchestrator.execute('DELETE FROM saga_instances WHERE order_id = $1', id);
      return [['saga-missing', 'order', id]];
    },
  },
  {
    name: 'a 2PC decision disagreeing with its order',
    seed: async ({ sql, orders }) => {
      const id = orders['2pc-confirmed'] ?? '';
      await sql.coordinator.execute(`UPDATE transactions SET state = 'ABORTED', reason = 'TIMEOUT' WHERE id = $1`, id);
      return [['transaction-disagrees', 'order', id]];
    },
  },
  {
    name: 'a 2PC transaction decided but not finished',
    seed: async ({ sql, orders }) => {
      const id = orders['2pc-cancelled'] ?? '';
      await sql.coordinator.execute(`UPDATE transactions SET state = 'ABORTING' WHERE id = $1`, id);
      return [['transaction-not-finished', 'order', id]];
    },
  },
  {
    name: 'a 2PC order missing from the coordinator log',
    seed: async ({ sql, orders }) => {
      const id = orders['2pc-confirmed'] ?? '';
      await sql.coordinator.execute('DELETE FROM transactions WHERE id = $1', id);
      return [['transaction-missing', 'order', id]];
    },
  },
  {
    name: 'an outbox backlog',
    seed: async ({ sql, databases }) => {
      await sql.payment.execute(
        `INSERT INTO outbox_messages (id, topic, message_key, message_type, headers, value)
         VALUES ($1::uuid, 'payments.events', $1::text, 'PaymentCaptured', '{}', '{}')`,
        randomUUID(),
      );
      return [['outbox-backlog', 'database', databases.payment.name]];
    },
  },
  {
    name: 'a dead letter naming no known order',
    seed: async ({ deadLetter }) => {
      const unknown = randomUUID();
      await deadLetter('payment', { key: unknown, value: envelope(unknown), reason: 'HANDLER_FAILED' });
      return [['unaccounted-dead-letter', 'dead-letter', unknown]];
    },
  },
  {
    name: 'a dead letter whose order fails another check',
    seed: async ({ sql, orders, deadLetter }) => {
      const id = orders['choreography-cancelled'] ?? '';
      await holdReservation(sql.inventory, id);
      await deadLetter('inventory', { key: id, value: envelope(id, 'OrderCancelled'), reason: 'HANDLER_FAILED' });
      return [
        ['reservation-held-for-final-order', 'order', id],
        ['unaccounted-dead-letter', 'dead-letter', id],
      ];
    },
  },
];

const bookLine = { customer: 'alice', sku: 'BOOK', quantity: 1, unitPrice: 100 };

async function capture(
  payments: SeededSystem['sql']['payment'],
  orderId: string,
  customer: string,
  amount: number,
): Promise<void> {
  await payments.execute('UPDATE accounts SET balance = balance - $2 WHERE customer_id = $1', customer, amount);
  await payments.execute(
    `INSERT INTO payments (id, order_id, customer_id, amount, status) VALUES ($1, $2, $3, $4, 'CAPTURED')`,
    randomUUID(),
    orderId,
    customer,
    amount,
  );
}

/** Puts a released reservation back on hold, moving its units to reserved so that stock stays conserved. */
async function holdReservation(inventory: SeededSystem['sql']['inventory'], orderId: string): Promise<void> {
  await inventory.execute(`UPDATE reservations SET status = 'RESERVED' WHERE order_id = $1`, orderId);
  await inventory.execute(
    `UPDATE stock_items SET available = available - 2, reserved = reserved + 2 WHERE sku = 'BOOK'`,
  );
}

describe('auditSystem finds each kind of violation', () => {
  for (const defect of defects) {
    it(defect.name, async () => {
      await withSystem(async (system) => {
        const expected = await defect.seed(system);
        const report = await system.audit(defect.waitSeconds ?? 0);
        assert.deepEqual(found(report).sort(), expected.sort());
        assert.equal(
          report.settled,
          expected.every(([kind]) => kind === 'unaccounted-dead-letter'),
        );
        if (defect.waitSeconds) {
          assert.ok(Date.parse(report.finishedAt) - Date.parse(report.startedAt) >= defect.waitSeconds * 1_000);
        }
      });
    });
  }

  it('a prepared transaction left behind', async () => {
    await withSystem(async (system) => {
      const gid = `audit_test_${randomUUID()}`;
      const client = new pg.Client({ connectionString: system.databases.inventory.url });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query('UPDATE lamport_clock SET value = value + 1');
        await client.query(`PREPARE TRANSACTION '${gid}'`);
        const report = await system.audit();
        assert.deepEqual(found(report), [['prepared-transaction-left', 'database', system.databases.inventory.name]]);
        assert.match(report.violations[0]?.detail ?? '', new RegExp(gid));
      } finally {
        // A database with a prepared transaction cannot be dropped.
        await client.query(`ROLLBACK PREPARED '${gid}'`).catch(() => undefined);
        await client.end();
      }
    });
  });
});
