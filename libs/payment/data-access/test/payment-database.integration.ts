import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { transactionRunner } from '@dtx/sql';
import { createPaymentDatabaseClient, setBalance, type PaymentDatabaseClient } from '../src/index.js';
import { createMigratedTestDatabase, type TestDatabase } from '@dtx/testing';

describe('payments database: generated client against the migrated schema', () => {
  let database: TestDatabase;
  let client: PaymentDatabaseClient;
  let pool: pg.Pool;
  before(async () => {
    database = await createMigratedTestDatabase('payment');
    pool = new pg.Pool({ connectionString: database.url });
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
});
