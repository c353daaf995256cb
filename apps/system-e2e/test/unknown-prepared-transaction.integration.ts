import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startSystem, type RunningSystem } from '@dtx/testing';
import { eventually, shopClientOf } from './support/shop-client.js';
import { asCoordinator, preparedTransactions } from './support/two-phase.js';

/**
 * A transaction prepared on a participant that the coordinator never logged
 * (its log lost, say) would hold its locks for ever: the participant asks the
 * coordinator about prepared transactions past a timeout, and rolls back
 * those it does not know.
 */
describe('a prepared transaction the coordinator does not know', () => {
  let system: RunningSystem;

  before(async () => {
    system = await startSystem(['order', 'inventory', 'payment', 'coordinator'], {
      environment: { TWO_PC_UNKNOWN_TRANSACTION_TIMEOUT_MS: '1000' },
    });
  });
  after(() => system?.shutdown());

  it('is rolled back after the timeout, releasing its locks', async () => {
    const shop = shopClientOf(system);
    const sku = `sku-${randomUUID().slice(0, 8)}`;
    await shop.setStock(sku, 5);
    const orderId = randomUUID();

    // Prepared as the coordinator would, but the coordinator has no record of it.
    const vote = await asCoordinator(system, 'inventory', `/2pc/transactions/${orderId}/prepare`, {
      orderId,
      customerId: 'c-1',
      items: [{ sku, quantity: 2, unitPrice: 10 }],
      total: 20,
    });
    assert.equal(vote.status, 200, JSON.stringify(vote.body));
    assert.deepEqual(vote.body, { vote: 'YES' });
    assert.equal((await preparedTransactions(system)).length, 1);

    await eventually(
      () => preparedTransactions(system),
      (prepared) => prepared.length === 0,
      15_000,
    );
    // The stock row it had locked can be written again, and the sale it prepared never happened.
    assert.equal((await shop.setStock(sku, 7)).available, 7);
    const metrics = await (await fetch(`${system.url('inventory')}/metrics`)).text();
    assert.match(metrics, /^dtx_2pc_unknown_transactions_rolled_back_total\{[^}]*\} 1$/m);
  });
});
