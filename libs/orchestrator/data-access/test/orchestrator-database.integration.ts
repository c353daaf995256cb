import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createOrchestratorDatabaseClient, type OrchestratorDatabaseClient } from '../src/index.js';
import { createMigratedTestDatabase, type TestDatabase } from '@dtx/testing';

describe('orchestrator database: generated client against the migrated schema', () => {
  let database: TestDatabase;
  let client: OrchestratorDatabaseClient;
  let pool: pg.Pool;
  before(async () => {
    database = await createMigratedTestDatabase('orchestrator');
    pool = new pg.Pool({ connectionString: database.runtimeUrl });
    client = createOrchestratorDatabaseClient(pool);
  });
  after(async () => {
    await client.$disconnect();
    await pool.end();
    await database.drop();
  });

  it('writes a saga instance with JSON data and reads it back', async () => {
    const id = randomUUID();
    await client.sagaInstance.create({
      data: { id, orderId: randomUUID(), type: 'create-order', state: 'RUNNING', data: { total: 2500, items: 2 } },
    });
    const saga = await client.sagaInstance.update({
      where: { id, version: 0 },
      data: { currentStep: 'reserve-stock', version: { increment: 1 } },
    });
    assert.deepEqual(saga.data, { total: 2500, items: 2 });
    assert.equal(saga.version, 1);
    assert.equal(saga.currentStep, 'reserve-stock');
  });
});
