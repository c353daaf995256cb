import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMessageType, messageTypesOn, Topics, topicsOf } from '@dtx/contracts';
import { SERVICE_KAFKA_ACCESS } from '@dtx/messaging';
import { paymentHandlers, sagaStepHandlers, settlementHandlers } from './payment-handlers.js';

describe('payment subscriptions', () => {
  it('are exactly the topics of the messages payment handles', () => {
    const handlers = paymentHandlers();
    assert.ok(Object.keys(handlers).every(isMessageType));
    assert.deepEqual(
      new Set(topicsOf(handlers)),
      new Set([Topics.stockReservations, Topics.orderOutcomes, Topics.paymentCommands]),
    );
  });

  it('are the topics its Kafka user may read (libs/shared/messaging, kafka-acls.ts)', () => {
    assert.deepEqual(new Set(topicsOf(paymentHandlers())), new Set(SERVICE_KAFKA_ACCESS.payment.reads));
  });

  it('are sent no message it does not handle: every type on those topics has a handler', () => {
    const handlers = paymentHandlers();
    assert.deepEqual(messageTypesOn(topicsOf(handlers)), Object.keys(handlers).sort());
  });

  it("settle decided orders in a lane of their own, which reads only the orders' outcomes", () => {
    assert.deepEqual(topicsOf(settlementHandlers()), [Topics.orderOutcomes]);
    assert.ok(!topicsOf(sagaStepHandlers()).includes(Topics.orderOutcomes));
  });
});
