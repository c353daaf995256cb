import type { FaultSettings, SagaView } from '@dtx/contracts';
import { readTopics, sendRecords, type RunningSystem } from '@dtx/testing';
import { eventually, shopClientOf } from './shop-client.js';

/** The order's saga as GET /sagas?orderId= shows it, once there is one. */
export async function sagaOf(system: RunningSystem, orderId: string): Promise<SagaView> {
  const shop = shopClientOf(system);
  const [saga] = await eventually(
    () => shop.sagasOfOrder(orderId),
    (sagas) => sagas.length === 1,
  );
  return saga as SagaView;
}

/** Polls the saga until `accept` holds. */
export function sagaUntil(
  system: RunningSystem,
  orderId: string,
  accept: (saga: SagaView) => boolean,
  timeoutMs = 60_000,
): Promise<SagaView> {
  return eventually(() => sagaOf(system, orderId), accept, timeoutMs);
}

/** Runs `work` with faults injected into a participant (PUT /admin/faults), and switches them off afterwards whatever happens. */
export async function withFaults<Result>(
  system: RunningSystem,
  faults: ({ service: 'order' | 'inventory' | 'payment' } & FaultSettings)[],
  work: () => Promise<Result>,
): Promise<Result> {
  const shop = shopClientOf(system);
  for (const { service, delayMs, failRate } of faults) {
    await shop.setFaults(service, { delayMs, failRate });
  }
  try {
    return await work();
  } finally {
    for (const fault of faults) {
      await shop.setFaults(fault.service, { delayMs: 0, failRate: 0 });
    }
  }
}

export interface ReplySeen {
  step: string;
  attempt: number;
  command: string;
  outcome: string;
}

/** Sends messages straight to a topic of the system, as the orchestrator would. */
export async function sendToTopic(
  system: RunningSystem,
  topic: string,
  envelopes: { id: string; type: string; aggregateId: string; correlationId: string }[],
): Promise<void> {
  await sendRecords(
    system.brokers,
    envelopes.map((envelope) => ({
      topic: `${system.topicPrefix}${topic}`,
      key: envelope.aggregateId,
      value: JSON.stringify(envelope),
      headers: { 'message-id': envelope.id, 'message-type': envelope.type, 'correlation-id': envelope.correlationId },
    })),
  );
}

/** The SagaReply messages about an order, once `count` of them arrived. */
export async function repliesAbout(system: RunningSystem, orderId: string, count: number): Promise<ReplySeen[]> {
  const records = await readTopics({
    brokers: system.brokers,
    topics: [`${system.topicPrefix}orchestrator.replies`],
    until: (read) => read.filter((record) => record.key === orderId).length >= count,
  });
  return records
    .filter((record) => record.key === orderId)
    .map((record) => (JSON.parse(record.value ?? '{}') as { payload: ReplySeen }).payload);
}
