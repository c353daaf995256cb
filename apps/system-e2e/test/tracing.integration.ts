import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { OrderMode } from '@dtx/contracts';
import type { ShopClient } from '@dtx/shop-client';
import { sleep } from '@dtx/util';
import {
  startSpanCollector,
  startSystem,
  type CollectedSpan,
  type RunningSystem,
  type SpanCollector,
} from '@dtx/testing';
import { sagaUntil } from './support/sagas.js';
import { eventually, shopClientOf } from './support/shop-client.js';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

describe('one trace per order, across HTTP, the outbox, Kafka and every service', () => {
  let collector: SpanCollector;
  let system: RunningSystem;
  let shop: ShopClient;

  before(async () => {
    collector = await startSpanCollector();
    system = await startSystem(['order', 'inventory', 'payment', 'orchestrator', 'coordinator'], {
      environment: {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    });
    shop = shopClientOf(system);
  });
  after(async () => {
    await system?.shutdown();
    await collector?.stop();
  });

  /** Places an order, waits for it (and its saga) to end, then for the trace to hold `expected` span names. */
  async function tracedOrder(mode: OrderMode, balance: number, expected: string[]) {
    const [sku, customer] = [unique('sku'), unique('trace')];
    await shop.setStock(sku, 5);
    await shop.setPrice(sku, 100);
    await shop.setBalance(customer, balance);
    const placed = await shop.placeOrder({ customerId: customer, mode, items: [{ sku, quantity: 1, unitPrice: 100 }] });
    assert.ok(placed.body.traceId, JSON.stringify(placed.body));
    const order = await shop.finalOrder(placed.body.orderId);
    if (mode === 'orchestration') {
      await sagaUntil(system, order.orderId, (saga) => saga.state === 'COMPLETED' || saga.state === 'COMPENSATED');
    }
    // A parent span is exported after its children end; wait until the tree is whole, up to its root,
    // the order service's POST /orders (it ends last in 2PC, so other services' spans may come first).
    await eventually(
      async () => collector.spans(placed.body.traceId),
      (found) =>
        expected.every((name) => found.some((span) => span.name === name)) &&
        rootsOf(found).length === 1 &&
        found.some((span) => span.service === 'order' && span.kind === SERVER && !span.parentSpanId),
    );
    // Spans of the services that only read a message (and end early) may still be on their way: a few export intervals more.
    await sleep(500);
    return { order, spans: collector.spans(placed.body.traceId) };
  }

  function rootsOf(spans: CollectedSpan[]): CollectedSpan[] {
    const ids = new Set(spans.map((span) => span.spanId));
    return spans.filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId));
  }

  /** One tree: a single root (the HTTP request), every other span's parent in the same trace. */
  function assertOneTree(spans: CollectedSpan[]): void {
    const roots = rootsOf(spans);
    assert.equal(roots.length, 1, `roots: ${roots.map((root) => `${root.service}:${root.name}`).join(', ')}`);
    assert.equal(roots[0]?.service, 'order');
    assert.equal(roots[0]?.kind, SERVER);
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    for (const consumer of spans.filter((span) => span.kind === CONSUMER)) {
      const producer = byId.get(consumer.parentSpanId ?? '');
      assert.equal(producer?.kind, PRODUCER, `${consumer.name} continues a producer span`);
      assert.equal(producer?.attributes['messaging.message.id'], consumer.attributes['messaging.message.id']);
    }
  }

  const services = (spans: CollectedSpan[]) => new Set(spans.map((span) => span.service));
  const compensations = (spans: CollectedSpan[]) =>
    spans
      .filter((span) => span.attributes['saga.compensation'] === true)
      .map((span) => `${span.service}: ${span.name}`)
      .sort();

  it('choreography, confirmed', async () => {
    const { order, spans } = await tracedOrder('choreography', 1_000, [
      'step reserve-stock',
      'step authorize-payment',
      'step confirm-order',
      'step commit-stock',
      'step capture-payment',
    ]);
    assert.equal(order.status, 'CONFIRMED');
    assertOneTree(spans);
    assert.deepEqual(
      services(spans),
      new Set(['order', 'inventory', 'payment']),
      'the orchestrator skips the events of a choreographed order before any work: no saga, no span',
    );
    assert.deepEqual(compensations(spans), []);
  });

  it('choreography, compensated: every compensation is a marked span', async () => {
    const { order, spans } = await tracedOrder('choreography', 10, [
      'compensate cancel-order',
      'compensate release-stock',
      'compensate void-payment',
    ]);
    assert.equal(order.reason, 'PAYMENT_DECLINED');
    assertOneTree(spans);
    assert.deepEqual(compensations(spans), [
      'inventory: compensate release-stock',
      'order: compensate cancel-order',
      'payment: compensate void-payment',
    ]);
    const cancel = spans.find((span) => span.name === 'compensate cancel-order');
    assert.equal(cancel?.attributes['order.cancel_reason'], 'PAYMENT_DECLINED');
    assert.equal(cancel?.attributes['order.id'], order.orderId);
  });

  it('orchestration, confirmed', async () => {
    const { order, spans } = await tracedOrder('orchestration', 1_000, [
      'saga create-order step approve-order',
      'step capture-payment',
      'step commit-stock',
      'step approve-order',
      'saga create-order completed',
    ]);
    assert.equal(order.status, 'CONFIRMED');
    assertOneTree(spans);
    assert.deepEqual(services(spans), new Set(['order', 'inventory', 'payment', 'orchestrator']));
    const steps = spans.filter(
      (span) => span.service === 'orchestrator' && span.name.startsWith('saga create-order step'),
    );
    assert.deepEqual(steps.map((span) => span.attributes['saga.step']).sort(), [
      'approve-order',
      'authorize-payment',
      'capture-payment',
      'commit-stock',
      'reserve-stock',
    ]);
    assert.ok(steps.every((span) => span.attributes['saga.id'] && span.attributes['saga.mode'] === 'orchestration'));
    // The steps after the pivot are sent together, while the orchestrator handles the authorisation's reply.
    const completion = steps.filter((span) =>
      ['capture-payment', 'commit-stock', 'approve-order'].includes(String(span.attributes['saga.step'])),
    );
    const [parent, ...others] = new Set(completion.map((span) => span.parentSpanId));
    assert.ok(
      parent && others.length === 0,
      `one parent for ${completion.length} spans: ${[parent, ...others].join(', ')}`,
    );
    const authorize = steps.find((span) => span.attributes['saga.step'] === 'authorize-payment');
    assert.notEqual(parent, authorize?.parentSpanId, 'not sent with the authorisation, but after its reply');
    for (const step of ['capture-payment', 'commit-stock', 'approve-order']) {
      assert.equal(
        spans.filter((span) => span.name === `step ${step}`).length,
        1,
        `one span of the participant's ${step}`,
      );
    }
  });

  it('orchestration, compensated: the orchestrator and the participants mark each compensation', async () => {
    const { order, spans } = await tracedOrder('orchestration', 10, [
      'saga create-order compensate reserve-stock',
      'compensate release-stock',
      'saga create-order compensate create-order',
      'step reject-order',
      'saga create-order compensated',
    ]);
    assert.equal(order.reason, 'PAYMENT_DECLINED');
    assertOneTree(spans);
    assert.deepEqual(compensations(spans), [
      'inventory: compensate release-stock',
      'orchestrator: saga create-order compensate create-order',
      'orchestrator: saga create-order compensate reserve-stock',
    ]);
    const finished = spans.find((span) => span.name === 'saga create-order compensated');
    assert.equal(finished?.attributes['order.cancel_reason'], 'PAYMENT_DECLINED');
  });

  const twoPhaseSpans = (spans: CollectedSpan[]) =>
    spans
      .filter((span) => span.name.startsWith('2pc '))
      .map(
        (span) =>
          `${span.service}: ${span.name}${span.attributes['2pc.vote'] ? ` ${String(span.attributes['2pc.vote'])}` : ''}`,
      )
      .sort();

  it('2pc, committed: every prepare, vote, the decision and every commit', async () => {
    const { order, spans } = await tracedOrder('2pc', 1_000, [
      '2pc decision',
      '2pc commit payment',
      '2pc commit inventory',
      '2pc commit order',
    ]);
    assert.equal(order.status, 'CONFIRMED');
    assertOneTree(spans);
    assert.deepEqual(services(spans), new Set(['order', 'inventory', 'payment', 'coordinator']));
    const decision = spans.find((span) => span.name === '2pc decision');
    assert.equal(decision?.attributes['2pc.decision'], 'COMMITTED');
    const commitsPrepared = twoPhaseSpans(spans).filter((name) => name.endsWith('2pc commit prepared'));
    assert.ok(
      commitsPrepared.length >= 3,
      `each participant commits its prepared transaction: ${commitsPrepared.join(', ')}`,
    );
    assert.deepEqual(
      twoPhaseSpans(spans).filter((name) => !name.endsWith('2pc commit prepared')),
      [
        'coordinator: 2pc commit inventory',
        'coordinator: 2pc commit order',
        'coordinator: 2pc commit payment',
        'coordinator: 2pc decision',
        'coordinator: 2pc prepare inventory YES',
        'coordinator: 2pc prepare order YES',
        'coordinator: 2pc prepare payment YES',
        'coordinator: 2pc transaction',
        'inventory: 2pc vote YES',
        'order: 2pc vote YES',
        'payment: 2pc vote YES',
      ],
    );
  });

  it('2pc, aborted: the NO vote and the abort sent to every participant', async () => {
    const { order, spans } = await tracedOrder('2pc', 10, [
      '2pc decision',
      '2pc abort payment',
      '2pc abort inventory',
      '2pc abort order',
    ]);
    assert.deepEqual([order.status, order.reason], ['CANCELLED', 'PAYMENT_DECLINED']);
    assertOneTree(spans);
    const decision = spans.find((span) => span.name === '2pc decision');
    assert.equal(decision?.attributes['2pc.decision'], 'ABORTED');
    assert.equal(decision?.attributes['order.cancel_reason'], 'PAYMENT_DECLINED');
    const names = twoPhaseSpans(spans);
    assert.ok(names.includes('payment: 2pc vote NO'), names.join(', '));
    assert.ok(names.includes('inventory: 2pc vote YES'), names.join(', '));
  });
});

interface JaegerTrace {
  spans: { operationName: string; processID: string; tags: { key: string; value: unknown }[] }[];
  processes: Record<string, { serviceName: string }>;
}

describe('the trace of a compensated order, fetched back from the real Jaeger', () => {
  const jaegerUrl = process.env['TEST_JAEGER_URL'];
  const otlpEndpoint = process.env['TEST_JAEGER_OTLP_ENDPOINT'];
  let system: RunningSystem;
  let shop: ShopClient;

  before(async () => {
    assert.ok(
      jaegerUrl && otlpEndpoint,
      'TEST_JAEGER_URL and TEST_JAEGER_OTLP_ENDPOINT are not set: start Jaeger with `bash scripts/infra/jaeger.sh up` (npm test does)',
    );
    system = await startSystem(['order', 'inventory', 'payment', 'orchestrator'], {
      environment: {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint ?? '',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    });
    shop = shopClientOf(system);
  });
  after(async () => system?.shutdown());

  it('holds every service and every compensation span under the traceId that POST /orders returned', async () => {
    const [sku, customer] = [unique('sku'), unique('jaeger')];
    await shop.setStock(sku, 1);
    await shop.setPrice(sku, 100);
    await shop.setBalance(customer, 1);
    const placed = await shop.placeOrder({
      customerId: customer,
      mode: 'orchestration',
      items: [{ sku, quantity: 1, unitPrice: 100 }],
    });
    assert.equal((await shop.finalOrder(placed.body.orderId)).reason, 'PAYMENT_DECLINED');

    const expected = [
      'saga create-order compensate reserve-stock',
      'compensate release-stock',
      'saga create-order compensated',
    ];
    const trace = await eventually(
      async () => {
        const response = await fetch(`${jaegerUrl}/api/traces/${placed.body.traceId}`);
        return response.ok ? ((await response.json()) as { data: JaegerTrace[] }).data[0] : undefined;
      },
      (found) => expected.every((name) => found?.spans.some((span) => span.operationName === name) ?? false),
    );
    assert.ok(trace);
    const servicesInTrace = new Set(trace.spans.map((span) => trace.processes[span.processID]?.serviceName));
    assert.deepEqual(servicesInTrace, new Set(['order', 'inventory', 'payment', 'orchestrator']));
    const compensationSpans = trace.spans
      .filter((span) => span.tags.some((tag) => tag.key === 'saga.compensation' && tag.value === true))
      .map((span) => span.operationName)
      .sort();
    assert.deepEqual(compensationSpans, [
      'compensate release-stock',
      'saga create-order compensate create-order',
      'saga create-order compensate reserve-stock',
    ]);
  });
});
