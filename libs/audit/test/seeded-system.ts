import { randomUUID } from 'node:crypto';
import { PgExecutor, type SqlExecutor } from '@dtx/sql';
import { createMigratedTestDatabase, testInfrastructure, uniqueName, type TestDatabase } from '@dtx/testing';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { AUDITED_SERVICES, auditSystem, type AuditedService, type AuditReport } from '../src/index.js';

export type Mode = 'choreography' | 'orchestration' | '2pc';

/** An order as the system leaves it once final; `skip` leaves out one participant's part, as a defect. */
export interface SeedOrder {
  mode: Mode;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  reason?: string;
  customer: string;
  sku: string;
  quantity: number;
  unitPrice: number;
  /** What the cancelled order left behind at the participants. */
  leftovers?: { reservation?: 'RELEASED' | 'REJECTED'; payment?: 'DECLINED' | 'REFUNDED' };
  skip?: 'stock' | 'payment';
}

/** Five freshly migrated databases holding a consistent run, and a topic prefix of their own. */
export interface SeededSystem {
  databases: Record<AuditedService, TestDatabase>;
  sql: Record<AuditedService, SqlExecutor>;
  brokers: string[];
  topicPrefix: string;
  /** The baseline's orders by name: `<mode>-confirmed`, `<mode>-cancelled`, `choreography-refunded`. */
  orders: Record<string, string>;
  seedOrder(order: SeedOrder): Promise<string>;
  audit(waitSeconds?: number): Promise<AuditReport>;
  /** Sends a dead letter as a consumer would, to `<prefix><service>.dead-letters`. */
  deadLetter(service: AuditedService, letter: { key: string; value: string; reason: string }): Promise<void>;
  drop(): Promise<void>;
}

const perService = <Value>(make: (service: AuditedService) => Value) =>
  Object.fromEntries(AUDITED_SERVICES.map((service) => [service, make(service)])) as unknown as Record<
    AuditedService,
    Value
  >;

export async function seededSystem(): Promise<SeededSystem> {
  const { kafkaBrokers, kafkaAccess } = await testInfrastructure();
  const settled = await Promise.allSettled(AUDITED_SERVICES.map((service) => createMigratedTestDatabase(service)));
  const created = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(created.map((database) => database.drop()));
    throw failed.reason;
  }
  const databases = perService((service) => created[AUDITED_SERVICES.indexOf(service)] as TestDatabase);
  const pools = perService((service) => {
    const pool = new pg.Pool({ connectionString: databases[service].url, max: 2 });
    // pool.end() resolves before its connections have closed; the drop that follows may end them first.
    pool.on('error', () => undefined);
    return pool;
  });
  const sql = perService((service): SqlExecutor => new PgExecutor(pools[service]));
  const topicPrefix = `${uniqueName('audit')}.`;

  const seedOrder = async (order: SeedOrder): Promise<string> => {
    const id = randomUUID();
    const total = order.quantity * order.unitPrice;
    await sql.order.execute(
      'INSERT INTO orders (id, customer_id, status, reason, mode, total_amount) VALUES ($1, $2, $3, $4, $5, $6)',
      id,
      order.customer,
      order.status,
      order.reason ?? null,
      order.mode,
      total,
    );
    await sql.order.execute(
      'INSERT INTO order_items (order_id, line_no, sku, quantity, unit_price) VALUES ($1, 1, $2, $3, $4)',
      id,
      order.sku,
      order.quantity,
      order.unitPrice,
    );
    const items = JSON.stringify([{ sku: order.sku, quantity: order.quantity }]);
    if (order.status === 'CONFIRMED') {
      if (order.skip !== 'stock') {
        await sql.inventory.execute(
          'UPDATE stock_items SET available = available - $2 WHERE sku = $1',
          order.sku,
          order.quantity,
        );
        await sql.inventory.execute(
          `INSERT INTO reservations (order_id, status, items) VALUES ($1, 'COMMITTED', $2)`,
          id,
          items,
        );
      }
      if (order.skip !== 'payment') {
        await sql.payment.execute(
          'UPDATE accounts SET balance = balance - $2 WHERE customer_id = $1',
          order.customer,
          total,
        );
        await insertPayment(sql.payment, id, order.customer, total, 'CAPTURED');
      }
    }
    const reservation = order.leftovers?.reservation;
    if (reservation) {
      const lines = reservation === 'REJECTED' ? '[]' : items;
      await sql.inventory.execute(
        'INSERT INTO reservations (order_id, status, items) VALUES ($1, $2, $3)',
        id,
        reservation,
        lines,
      );
    }
    if (order.leftovers?.payment) {
      await insertPayment(sql.payment, id, order.customer, total, order.leftovers.payment);
    }
    if (order.mode === 'orchestration' && order.status !== 'PENDING') {
      await sql.orchestrator.execute(
        `INSERT INTO saga_instances (id, order_id, type, state, data) VALUES ($1, $2, 'create-order', $3, $4)`,
        randomUUID(),
        id,
        order.status === 'CONFIRMED' ? 'COMPLETED' : 'COMPENSATED',
        JSON.stringify({ orderId: id, ...(order.reason ? { reason: order.reason } : {}) }),
      );
    }
    if (order.mode === '2pc' && order.status !== 'PENDING') {
      await sql.coordinator.execute(
        `INSERT INTO transactions (id, order_id, state, reason, customer_id, total, items) VALUES ($1, $1, $2, $3, $4, $5, $6)`,
        id,
        order.status === 'CONFIRMED' ? 'COMMITTED' : 'ABORTED',
        order.reason ?? null,
        order.customer,
        total,
        items,
      );
    }
    return id;
  };

  const drop = async () => {
    await Promise.all(AUDITED_SERVICES.map((service) => pools[service].end()));
    await Promise.all(AUDITED_SERVICES.map((service) => databases[service].drop()));
  };
  const orders = await seedBaseline(sql, seedOrder).catch(async (error: unknown) => {
    await drop();
    throw error;
  });

  const kafka = new Kafka({
    clientId: uniqueName('audit-test'),
    brokers: kafkaBrokers,
    ...kafkaAccess.security,
    logLevel: logLevel.NOTHING,
  });
  return {
    databases,
    sql,
    brokers: kafkaBrokers,
    topicPrefix,
    orders,
    seedOrder,
    audit: (waitSeconds = 0) =>
      auditSystem({
        databaseUrls: perService((service) => databases[service].url),
        kafkaBrokers,
        kafkaSecurity: kafkaAccess.security,
        topicPrefix,
        waitSeconds,
      }),
    deadLetter: async (service, letter) => {
      const topic = `${topicPrefix}${service}.dead-letters`;
      const admin = kafka.admin();
      await admin.connect();
      // Not waiting for leaders here: the producer retries until the new partitions have one.
      await admin
        .createTopics({ waitForLeaders: false, topics: [{ topic, numPartitions: 3 }] })
        .finally(() => admin.disconnect());
      const producer = kafka.producer();
      await producer.connect();
      await producer
        .send({
          topic,
          acks: -1,
          messages: [
            {
              key: letter.key,
              value: letter.value,
              headers: {
                'dead-letter-reason': letter.reason,
                'dead-letter-attempts': '5',
                'original-topic': `${topicPrefix}orders.created`,
                'original-partition': '0',
                'original-offset': '0',
              },
            },
          ],
        })
        .finally(() => producer.disconnect());
    },
    drop,
  };
}

/** Stock, accounts and one confirmed and one cancelled order in each mode (and a refunded one), all consistent. */
async function seedBaseline(
  sql: Record<AuditedService, SqlExecutor>,
  seedOrder: (order: SeedOrder) => Promise<string>,
): Promise<Record<string, string>> {
  await sql.inventory.execute(
    `INSERT INTO stock_items (sku, available, stocked) VALUES ('BOOK', 100, 100), ('PEN', 50, 50)`,
  );
  await sql.payment.execute(
    `INSERT INTO accounts (customer_id, balance, deposited) VALUES ('alice', 10000, 10000), ('bob', 100, 100)`,
  );
  // Published outbox rows are no backlog.
  for (const service of AUDITED_SERVICES) {
    await sql[service].execute(
      `INSERT INTO outbox_messages (id, topic, message_key, message_type, headers, value, published_at)
       VALUES ($1::uuid, 'orders.created', $1::text, 'OrderCreated', '{}', '{}', now())`,
      randomUUID(),
    );
  }
  const line = { customer: 'alice', sku: 'BOOK', quantity: 2, unitPrice: 150 };
  const orders: Record<string, string> = {};
  for (const mode of ['choreography', 'orchestration', '2pc'] as const) {
    orders[`${mode}-confirmed`] = await seedOrder({ ...line, mode, status: 'CONFIRMED' });
  }
  orders['choreography-cancelled'] = await seedOrder({
    ...line,
    customer: 'bob',
    mode: 'choreography',
    status: 'CANCELLED',
    reason: 'PAYMENT_DECLINED',
    leftovers: { reservation: 'RELEASED', payment: 'DECLINED' },
  });
  orders['choreography-refunded'] = await seedOrder({
    ...line,
    sku: 'PEN',
    mode: 'choreography',
    status: 'CANCELLED',
    reason: 'PAYMENT_DECLINED',
    leftovers: { reservation: 'RELEASED', payment: 'REFUNDED' },
  });
  orders['orchestration-cancelled'] = await seedOrder({
    ...line,
    quantity: 500,
    mode: 'orchestration',
    status: 'CANCELLED',
    reason: 'OUT_OF_STOCK',
    leftovers: { reservation: 'REJECTED' },
  });
  orders['2pc-cancelled'] = await seedOrder({
    ...line,
    customer: 'bob',
    mode: '2pc',
    status: 'CANCELLED',
    reason: 'PAYMENT_DECLINED',
  });
  return orders;
}

async function insertPayment(
  payments: SqlExecutor,
  orderId: string,
  customer: string,
  amount: number,
  status: string,
): Promise<void> {
  await payments.execute(
    'INSERT INTO payments (id, order_id, customer_id, amount, status) VALUES ($1, $2, $3, $4, $5)',
    randomUUID(),
    orderId,
    customer,
    amount,
    status,
  );
}
