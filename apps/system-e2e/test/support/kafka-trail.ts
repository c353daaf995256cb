import { Topics } from '@dtx/contracts';
import { readTopics, type ReadRecord, type RunningSystem } from '@dtx/testing';

export interface TrailMessage {
  id: string;
  type: string;
  source: string;
  aggregateId: string;
  causationId: string | null;
  lamport: number;
  record: ReadRecord;
}

/** The topics of the services' events (the commands and replies of orchestration aside). */
export const businessTopics = [
  Topics.orderCreated,
  Topics.orchestratedOrderCreated,
  Topics.orderOutcomes,
  Topics.stockReservations,
  Topics.stockShortages,
  Topics.inventoryEvents,
  Topics.paymentDecisions,
  Topics.paymentEvents,
];

/** Every message of the given orders on the system's topics, as far as `until` asks for. */
export async function messagesOf(
  system: RunningSystem,
  orderIds: string[],
  until: (messages: TrailMessage[]) => boolean,
): Promise<TrailMessage[]> {
  const wanted = new Set(orderIds);
  const select = (records: ReadRecord[]) =>
    records
      .filter((record) => record.key !== null && wanted.has(record.key))
      .map((record) => ({ ...(JSON.parse(record.value ?? '{}') as Omit<TrailMessage, 'record'>), record }));
  const records = await readTopics({
    brokers: system.brokers,
    topics: businessTopics.map((topic) => `${system.topicPrefix}${topic}`),
    until: (read) => until(select(read)),
    timeoutMs: 30_000,
  });
  return select(records);
}

/** The sum of a Prometheus counter over all its label sets. */
export async function counterTotal(baseUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}
