import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { transactionRunner } from '@dtx/sql';
import {
  advancePayment,
  authorizeIfCovered,
  captureIfCovered,
  createPaymentDatabaseClient,
  lockAccountsFirst,
  setBalance,
  type PaymentDatabaseClient,
} from '../src/index.js';
import { createMigratedTestDatabase, rowsLockedElsewhere, type TestDatabase } from '@dtx/testing';

describe('payments database: generated client against the migrated schema', () => {
  let database: TestDatabase;
  let client: PaymentDatabaseClient;
  let pool: pg.Pool;
  before(async () => {
    database = await createMigratedTestDatabase('payment');
    pool = new pg.Pool({ connectionString: database.runtimeUrl });
    client = createPaymentDatabaseClient(pool);
  });
  after(async () => {
    await client.$disconnect();
    await pool.end();
    await database.drop();
  });

  it('writes an account and a payment in one transaction and reads them back', async () => {
    const orderId = randomUUID();
    await client.$transaction([
      client.account.create({ data: { customerId: 'customer-1', balance: 10_000n, reserved: 2_500n } }),
      client.payment.create({
        data: { id: randomUUID(), orderId, customerId: 'customer-1', amount: 2_500n, status: 'AUTHORIZED' },
      }),
    ]);
    const account = await client.account.findUniqueOrThrow({ where: { customerId: 'customer-1' } });
    const payments = await client.payment.findMany({ where: { orderId } });
    assert.deepEqual([account.balance, account.reserved], [10_000n, 2_500n]);
    assert.deepEqual(
      payments.map((payment) => [payment.amount, payment.status]),
      [[2_500n, 'AUTHORIZED']],
    );
  });

  it('refuses a negative balance', async () => {
    await assert.rejects(
      client.account.create({ data: { customerId: 'customer-2', balance: -1n } }),
      /accounts_balance_check/,
    );
  });

  it('moves deposited by every change setBalance makes to the balance', async () => {
    const transaction = transactionRunner(pool);
    assert.equal((await transaction((tx) => setBalance(tx, 'customer-3', 1_000))).kind, 'set');
    await client.account.update({
      where: { customerId: 'customer-3' },
      data: { balance: { decrement: 300n } },
    });
    await transaction((tx) => setBalance(tx, 'customer-3', 900));
    await transaction((tx) => setBalance(tx, 'customer-3', 200));
    const account = await client.account.findUniqueOrThrow({ where: { customerId: 'customer-3' } });
    // 1000 deposited, 300 spent, then 700 -> 900 (+200) -> 200 (-700): 500 ever put on the account.
    assert.deepEqual([account.balance, account.deposited], [200n, 500n]);
  });

  it('captures a 2PC charge only when the spendable balance covers it, in one statement', async () => {
    await client.account.create({ data: { customerId: 'customer-4', balance: 1_000n, reserved: 300n } });
    const transaction = transactionRunner(pool);
    const [covered, short, unknown] = [randomUUID(), randomUUID(), randomUUID()];

    assert.equal(
      await transaction((tx) => captureIfCovered(tx, { orderId: covered, customerId: 'customer-4', amount: 700 })),
      true,
    );
    assert.equal(
      await transaction((tx) => captureIfCovered(tx, { orderId: short, customerId: 'customer-4', amount: 1 })),
      false,
      'the 300 left are held',
    );
    assert.equal(
      await transaction((tx) => captureIfCovered(tx, { orderId: unknown, customerId: 'nobody', amount: 0 })),
      false,
    );

    const account = await client.account.findUniqueOrThrow({ where: { customerId: 'customer-4' } });
    assert.deepEqual([account.balance, account.reserved], [300n, 300n]);
    const payments = await client.payment.findMany({ where: { orderId: { in: [covered, short, unknown] } } });
    assert.deepEqual(
      payments.map((payment) => [payment.orderId, payment.amount, payment.status]),
      [[covered, 700n, 'CAPTURED']],
    );
  });

  it('authorizes a saga payment by a hold when the spendable balance covers it, or records it declined', async () => {
    await client.account.create({ data: { customerId: 'customer-5', balance: 1_000n, reserved: 300n } });
    const transaction = transactionRunner(pool);
    const [covered, short, unknown] = [randomUUID(), randomUUID(), randomUUID()];
    const authorize = (orderId: string, customerId: string, amount: number) =>
      transaction((tx) => authorizeIfCovered(tx, { orderId, customerId, amount }));

    assert.equal((await authorize(covered, 'customer-5', 700)).status, 'AUTHORIZED');
    assert.equal((await authorize(short, 'customer-5', 1)).status, 'DECLINED', 'the rest is held');
    assert.equal((await authorize(unknown, 'nobody', 1)).status, 'DECLINED');

    const account = await client.account.findUniqueOrThrow({ where: { customerId: 'customer-5' } });
    assert.deepEqual([account.balance, account.reserved], [1_000n, 1_000n]);
    const payments = await client.payment.findMany({ where: { orderId: { in: [covered, short, unknown] } } });
    assert.deepEqual(
      new Map(payments.map((payment) => [payment.orderId, [payment.amount, payment.status]])),
      new Map([
        [covered, [700n, 'AUTHORIZED']],
        [short, [1n, 'DECLINED']],
        [unknown, [1n, 'DECLINED']],
      ]),
    );
  });

  it("locks first, before a batch, the accounts of its customers and of its orders' payers, and only those", async () => {
    await client.account.createMany({
      data: ['customer-7', 'customer-8', 'customer-9'].map((customerId) => ({ customerId, balance: 1_000n })),
    });
    const transaction = transactionRunner(pool);
    const paid = randomUUID();
    await transaction((tx) => authorizeIfCovered(tx, { orderId: paid, customerId: 'customer-8', amount: 10 }));

    const locked = await transaction(async (tx) => {
      await lockAccountsFirst(tx, ['customer-7'], [paid, randomUUID()]);
      // Travels (deferred) with the statement after it, as it does before a batch's first handler.
      await tx.query('SELECT 1');
      return rowsLockedElsewhere(pool, 'accounts', 'customer_id', ['customer-7', 'customer-8', 'customer-9']);
    });
    assert.deepEqual(locked, ['customer-7', 'customer-8']);
  });

  it('moves a payment to its next status and the account with it, in one statement, once', async () => {
    await client.account.create({ data: { customerId: 'customer-6', balance: 1_000n } });
    const transaction = transactionRunner(pool);
    const [captured, voided, refunded] = [randomUUID(), randomUUID(), randomUUID()];
    for (const orderId of [captured, voided, refunded]) {
      await transaction((tx) => authorizeIfCovered(tx, { orderId, customerId: 'customer-6', amount: 100 }));
    }
    const capture = { AUTHORIZED: { to: 'CAPTURED', balance: -1, held: -1 } } as const;
    const compensate = {
      AUTHORIZED: { to: 'VOIDED', balance: 0, held: -1 },
      CAPTURED: { to: 'REFUNDED', balance: 1, held: 0 },
    } as const;

    assert.equal((await transaction((tx) => advancePayment(tx, captured, capture)))?.status, 'CAPTURED');
    assert.equal((await transaction((tx) => advancePayment(tx, refunded, capture)))?.status, 'CAPTURED');
    assert.equal((await transaction((tx) => advancePayment(tx, voided, compensate)))?.status, 'VOIDED');
    assert.equal((await transaction((tx) => advancePayment(tx, refunded, compensate)))?.status, 'REFUNDED');
    assert.equal(await transaction((tx) => advancePayment(tx, voided, compensate)), undefined, 'already voided');
    assert.equal(await transaction((tx) => advancePayment(tx, captured, capture)), undefined, 'already captured');

    const account = await client.account.findUniqueOrThrow({ where: { customerId: 'customer-6' } });
    // 100 captured; 100 held, then lifted; 100 captured, then refunded.
    assert.deepEqual([account.balance, account.reserved], [900n, 0n]);
  });
});
