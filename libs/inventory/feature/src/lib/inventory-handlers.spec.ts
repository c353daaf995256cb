import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMessageType, messageTypesOn, Topics, topicsOf } from '@dtx/contracts';
import { SERVICE_KAFKA_ACCESS } from '@dtx/messaging';
import { inventoryHandlers, sagaStepHandlers, settlementHandlers } from './inventory-handlers.js';

describe('inventory subscriptions', () => {
  it('are exactly the topics of the messages inventory handles', () => {
    const handlers = inventoryHandlers();
    assert.ok(Object.keys(handlers).every(isMessageType));
    assert.deepEqual(
      new Set(topicsOf(handlers)),
      new Set([Topics.orderCreated, Topics.orderOutcomes, Topics.inventoryCommands]),
    );
  });

  it('are the topics its Kafka user may read (libs/shared/messaging, kafka-acls.ts)', () => {
    assert.deepEqual(new Set(topicsOf(inventoryHandlers())), new Set(SERVICE_KAFKA_ACCESS.inventory.reads));
  });

  it('are sent no message it does not handle: every type on those topics has a handler', () => {
    const handlers = inventoryHandlers();
    assert.deepEqual(messageTypesOn(topicsOf(handlers)), Object.keys(handlers).sort());
  });

  it("settle decided orders in a lane of their own, which reads only the orders' outcomes", () => {
    assert.deepEqual(topicsOf(settlementHandlers()), [Topics.orderOutcomes]);
    assert.ok(!topicsOf(sagaStepHandlers()).includes(Topics.orderOutcomes));
  });
});
