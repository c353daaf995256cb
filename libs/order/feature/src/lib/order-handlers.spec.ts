import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMessageType, messageTypesOn, Topics, topicsOf } from '@dtx/contracts';
import { SERVICE_KAFKA_ACCESS } from '@dtx/messaging';
import { orderHandlers } from './order-handlers.js';

describe('order subscriptions', () => {
  it('are exactly the topics of the messages the order service handles', () => {
    const handlers = orderHandlers();
    assert.ok(Object.keys(handlers).every(isMessageType));
    assert.deepEqual(
      new Set(topicsOf(handlers)),
      new Set([Topics.stockShortages, Topics.paymentDecisions, Topics.orderCommands]),
    );
  });

  it('are the topics its Kafka user may read (libs/shared/messaging, kafka-acls.ts)', () => {
    assert.deepEqual(new Set(topicsOf(orderHandlers())), new Set(SERVICE_KAFKA_ACCESS.order.reads));
  });

  it('are sent no message it does not handle: every type on those topics has a handler', () => {
    const handlers = orderHandlers();
    assert.deepEqual(messageTypesOn(topicsOf(handlers)), Object.keys(handlers).sort());
  });
});
