import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { kafkaSecurityFromEnvironment } from '@dtx/config';
import { listDeadLetters, replayDeadLetter, type DeadLetter } from '@dtx/dead-letters';
import { CONSOLE_USER, createKafkaClient } from '@dtx/messaging';
import type { ShopClient } from '@dtx/shop-client';
import { shutdownTelemetry, startTelemetry } from '@dtx/telemetry';
import {
  startSpanCollector,
  startSystem,
  testInfrastructure,
  type RunningSystem,
  type SpanCollector,
} from '@dtx/testing';
import type { Kafka } from 'kafkajs';
import { counterTotal } from './support/kafka-trail.js';
import { eventually, shopClientOf } from './support/shop-client.js';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const PRODUCER = 4;
const CONSUMER = 5;

describe('a dead letter replayed by an operator', () => {
  let collector: SpanCollector;
  let system: RunningSystem;
  let shop: ShopClient;
  /** The console's client: signed in as the console user, with the ACLs it has in a deployment. */
  let consoleKafka: Kafka;

  const deadLettersOf = (orderId: string) =>
    listDeadLetters(consoleKafka, { topicPrefix: system.topicPrefix }).then((letters) =>
      letters.filter((letter) => letter.orderId === orderId),
    );

  before(async () => {
    collector = await startSpanCollector();
    const tracing = {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    system = await startSystem(['order', 'inventory', 'payment'], { environment: tracing });
    shop = shopClientOf(system);
    // This process replays as the console would: traced, exporting to the same collector.
    Object.assign(process.env, tracing);
    startTelemetry({ name: 'console', version: 'test' });
    const { kafkaAccess } = await testInfrastructure();
    consoleKafka = createKafkaClient({
      clientId: 'console',
      brokers: system.brokers,
      security: kafkaSecurityFromEnvironment(kafkaAccess.serviceEnvironment(CONSOLE_USER)),
    });
  });

  after(async () => {
    await shutdownTelemetry();
    await system?.shutdown();
    await collector?.stop();
  });

  it('finishes the order once, has no second effect when replayed again, and is listed with who replayed it and when', async () => {
    const [sku, customer] = [unique('sku'), unique('replayed')];
    await shop.setStock(sku, 3);
    await shop.setPrice(sku, 100);
    await shop.setBalance(customer, 1_000);
    const faults = await shop.request('payment', 'PUT', '/admin/faults', { json: { delayMs: 0, failRate: 1 } });
    assert.equal(faults.status, 200);
    let deadLetter: DeadLetter | undefined;
    let orderId: string;
    try {
      const placed = await shop.placeOrder({
        customerId: customer,
        mode: 'choreography',
        items: [{ sku, quantity: 1, unitPrice: 100 }],
      });
      orderId = placed.body.orderId;
      [deadLetter] = await eventually(
        () => deadLettersOf(orderId),
        (letters) => letters.length > 0,
        90_000,
      );
    } finally {
      await shop.request('payment', 'PUT', '/admin/faults', { json: { delayMs: 0, failRate: 0 } });
    }
    assert.ok(deadLetter);
    assert.equal(deadLetter.topic, `${system.topicPrefix}payment.dead-letters`);
    assert.equal(deadLetter.type, 'StockReserved');
    assert.equal(deadLetter.reason, 'HANDLER_FAILED');
    assert.match(deadLetter.error ?? '', /injected fault/);
    assert.equal(deadLetter.originalTopic, `${system.topicPrefix}inventory.reservations`);
    assert.equal(deadLetter.consumerGroup, `${system.topicPrefix}payment`);
    assert.ok((deadLetter.attempts ?? 0) > 1, 'retried before it was dead-lettered');
    assert.ok(deadLetter.messageId);
    assert.ok(deadLetter.traceId, "the order's trace");
    assert.deepEqual(deadLetter.replays, []);
    assert.equal((await shop.getOrder(orderId)).status, 'PENDING', 'the order waits for an operator');

    const replay = await replayDeadLetter(consoleKafka, {
      topicPrefix: system.topicPrefix,
      deadLetter,
      replayedBy: 'admin-alice',
    });
    assert.deepEqual(replay.deadLetter, {
      topic: deadLetter.topic,
      partition: deadLetter.partition,
      offset: deadLetter.offset,
    });
    assert.equal(replay.replayedTo.topic, deadLetter.originalTopic);
    assert.equal(replay.messageId, deadLetter.messageId);

    const order = await shop.finalOrder(orderId);
    assert.equal(order.status, 'CONFIRMED');
    const settled = async () => ({
      stock: await shop.getStock(sku),
      account: await shop.getAccount(customer),
      payments: (await shop.paymentsOfOrder(orderId)).map((payment) => [payment.status, payment.amount]),
    });
    const once = await eventually(settled, (state) => state.stock.reserved === 0 && state.account.reserved === 0);
    assert.deepEqual(once, {
      stock: { sku, available: 2, reserved: 0 },
      account: { customerId: customer, balance: 900, reserved: 0 },
      payments: [['CAPTURED', 100]],
    });

    const duplicatesBefore = await counterTotal(system.url('payment'), 'inbox_duplicates_skipped_total');
    await replayDeadLetter(consoleKafka, { topicPrefix: system.topicPrefix, deadLetter, replayedBy: 'admin-bob' });
    await eventually(
      () => counterTotal(system.url('payment'), 'inbox_duplicates_skipped_total'),
      (total) => total > duplicatesBefore,
    );
    assert.deepEqual(await settled(), once, 'the second replay changed nothing');

    const [listed] = await deadLettersOf(orderId);
    assert.deepEqual(
      listed?.replays.map((made) => [made.replayedBy, made.replayedTo.topic]),
      [
        ['admin-alice', deadLetter.originalTopic],
        ['admin-bob', deadLetter.originalTopic],
      ],
    );
    assert.ok(listed?.replays.every((made) => !Number.isNaN(Date.parse(made.replayedAt))));

    // The replay is a span in the order's trace, and the payment service's handling of the copy is its child.
    assert.equal(replay.traceId, deadLetter.traceId);
    const spans = await eventually(
      async () => collector.spans(deadLetter.traceId ?? ''),
      (found) => {
        const replaySpans = found.filter((span) => span.name === 'dead-letter.replay');
        return (
          replaySpans.length === 2 &&
          found.some(
            (span) =>
              span.kind === CONSUMER &&
              span.service === 'payment' &&
              replaySpans.some((replaySpan) => replaySpan.spanId === span.parentSpanId),
          )
        );
      },
    );
    const replaySpan = spans.find(
      (span) => span.name === 'dead-letter.replay' && span.attributes['dead_letter.replayed_by'] === 'admin-alice',
    );
    assert.ok(replaySpan);
    assert.equal(replaySpan.kind, PRODUCER);
    assert.equal(replaySpan.service, 'console');
    assert.equal(replaySpan.attributes['order.id'], orderId);
    assert.ok(
      spans.some((span) => span.spanId === replaySpan.parentSpanId && span.service === 'inventory'),
      'a child of the span that sent the message first',
    );
    const handled = spans.find((span) => span.kind === CONSUMER && span.parentSpanId === replaySpan.spanId);
    assert.equal(handled?.name, 'process StockReserved');
  });
});
