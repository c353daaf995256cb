import { readTopics, sendRecords, type RunningSystem } from '@dtx/testing';
import { eventually } from './shop-client.js';

export interface SagaView {
  sagaId: string;
  orderId: string;
  state: string;
  needsAttention: boolean;
  reason?: string;
  steps: { name: string; kind: string; status: string; attempts: number }[];
}

/** The order's saga as GET /sagas?orderId= shows it, once there is one. */
export async function sagaOf(system: RunningSystem, orderId: string): Promise<SagaView> {
  const [saga] = await eventually(
    async () => (await (await fetch(`${system.url('orchestrator')}/sagas?orderId=${orderId}`)).json()) as SagaView[],
    (sagas) => sagas.length === 1,
  );
  return saga as SagaView;
}

/** Polls the saga until `accept` holds. */
export function sagaUntil(system: RunningSystem, orderId: string, accept: (saga: SagaView) => boolean, timeoutMs = 60_000): Promise<SagaView> {
  return eventually(() => sagaOf(system, orderId), accept, timeoutMs);
}

/** Sets a participant's fault injection (PUT /admin/faults). */
export async function setFaults(system: RunningSystem, service: 'order' | 'inventory' | 'payment', delayMs: number, failRate: number): Promise<void> {
  const response = await fetch(`${system.url(service)}/admin/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ delayMs, failRate }),
  });
  if (!response.ok) {
    throw new Error(`PUT /admin/faults on ${service}: ${response.status}`);
  }
}

/** Runs `work` with faults injected into a participant, and switches them off afterwards whatever happens. */
export async function withFaults<Result>(
  system: RunningSystem,
  faults: { service: 'order' | 'inventory' | 'payment'; delayMs: number; failRate: number }[],
  work: () => Promise<Result>,
): Promise<Result> {
  for (const fault of faults) {
    await setFaults(system, fault.service, fault.delayMs, fault.failRate);
  }
  try {
    return await work();
  } finally {
    for (const fault of faults) {
      await setFaults(system, fault.service, 0, 0);
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
export async function sendToTopic(system: RunningSystem, topic: string, envelopes: { id: string; type: string; aggregateId: string; correlationId: string }[]): Promise<void> {
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
