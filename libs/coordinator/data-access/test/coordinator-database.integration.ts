import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createCoordinatorDatabaseClient, type CoordinatorDatabaseClient } from '../src/index.js';
import { createMigratedTestDatabase, type TestDatabase } from '@dtx/testing';

describe('coordinator database: generated client against the migrated schema', () => {
  let database: TestDatabase;
  let client: CoordinatorDatabaseClient;
  let pool: pg.Pool;
  before(async () => {
    database = await createMigratedTestDatabase('coordinator');
    pool = new pg.Pool({ connectionString: database.runtimeUrl });
    client = createCoordinatorDatabaseClient(pool);
  });
  after(async () => {
    await client.$disconnect();
    await pool.end();
    await database.drop();
  });

  it('writes a transaction with its participants and reads them back', async () => {
    const id = randomUUID();
    await client.transaction.create({
      data: {
        id,
        orderId: randomUUID(),
        state: 'PREPARING',
        customerId: 'ada',
        total: 3_000n,
        items: [{ sku: 'BOOK', quantity: 2, unitPrice: 1_500 }],
        participants: { create: [{ name: 'inventory' }, { name: 'payment', vote: 'YES' }] },
      },
    });
    await client.transactionParticipant.update({
      where: { transactionId_name: { transactionId: id, name: 'inventory' } },
      data: { vote: 'NO' },
    });
    const transaction = await client.transaction.findUniqueOrThrow({
      where: { id },
      include: { participants: { orderBy: { name: 'asc' } } },
    });
    assert.deepEqual(
      transaction.participants.map((participant) => [participant.name, participant.vote, participant.outcome]),
      [
        ['inventory', 'NO', null],
        ['payment', 'YES', null],
      ],
    );
  });

  it('the decision log accepts only the states of the protocol', async () => {
    await assert.rejects(
      client.transaction.create({
        data: { id: randomUUID(), orderId: randomUUID(), state: 'MAYBE', customerId: 'ada', total: 1n, items: [] },
      }),
      /transactions_state_check/,
    );
  });
});
