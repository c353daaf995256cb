/** One Kafka record about an order, as the inspection tool reads it. */
export interface ObservedMessage {
  id: string;
  type: string;
  source: string;
  topic: string;
  partition: number;
  offset: string;
  causationId: string | null;
  correlationId: string;
  lamport: number;
  payload: Record<string, unknown>;
  /** Set for a record read from a dead-letter topic. */
  deadLetter?: { reason: string; error: string; consumerGroup: string };
  /** Set for a dead letter an operator put back on its topic: who, and when (ISO 8601). */
  replay?: { by: string; at: string };
}

export interface TimelineEntry {
  message: ObservedMessage;
  /** How many causes lie between this message and the first one (indentation). */
  depth: number;
  /** 1 for the first copy of a message id; 2, 3, ... for redeliveries of the same message. */
  copy: number;
}

/**
 * Orders an order's messages by causation, never by wall-clock time: a
 * message comes after the message that caused it; messages that are not
 * related by causation are ordered by Lamport time, then by offset.
 */
export function causalTimeline(messages: readonly ObservedMessage[]): TimelineEntry[] {
  const sorted = [...messages].sort(
    (left, right) =>
      left.lamport - right.lamport ||
      left.topic.localeCompare(right.topic) ||
      Number(BigInt(left.offset) - BigInt(right.offset)),
  );
  const firstById = new Map<string, ObservedMessage>();
  for (const message of sorted) {
    if (!message.deadLetter && !firstById.has(message.id)) {
      firstById.set(message.id, message);
    }
  }
  const childrenOf = new Map<string | null, ObservedMessage[]>();
  for (const message of sorted) {
    const cause = message.causationId && firstById.has(message.causationId) ? message.causationId : null;
    childrenOf.set(cause, [...(childrenOf.get(cause) ?? []), message]);
  }

  const timeline: TimelineEntry[] = [];
  const copies = new Map<string, number>();
  const visit = (message: ObservedMessage, depth: number) => {
    const copy = message.deadLetter ? 1 : (copies.get(message.id) ?? 0) + 1;
    if (!message.deadLetter) {
      copies.set(message.id, copy);
    }
    timeline.push({ message, depth, copy });
    if (copy === 1 && !message.deadLetter) {
      for (const child of childrenOf.get(message.id) ?? []) {
        visit(child, depth + 1);
      }
    }
  };
  for (const root of childrenOf.get(null) ?? []) {
    visit(root, 0);
  }
  return timeline;
}

/** The few payload fields that tell the story, as `key=value` pairs. */
export function summarisePayload(payload: Record<string, unknown>): string {
  const interesting = [
    'step',
    'attempt',
    'command',
    'outcome',
    'reason',
    'customerId',
    'total',
    'amount',
    'mode',
    'unavailableSkus',
  ];
  const parts = interesting
    .filter((key) => payload[key] !== undefined)
    .map((key) => `${key}=${JSON.stringify(payload[key])}`);
  if (Array.isArray(payload['items'])) {
    parts.push(`items=${payload['items'].length}`);
  }
  return parts.join(' ');
}

/** One printable line of the timeline. */
export function formatEntry(entry: TimelineEntry): string {
  const { message, depth, copy } = entry;
  const flags = [
    copy > 1 ? `REDELIVERED (copy ${copy})` : '',
    message.replay ? `REPLAYED by ${message.replay.by} at ${message.replay.at}` : '',
    message.deadLetter
      ? `DEAD-LETTERED by ${message.deadLetter.consumerGroup}: ${message.deadLetter.reason} ${message.deadLetter.error}`
      : '',
  ].filter(Boolean);
  return [
    `${String(message.lamport).padStart(6)} `,
    `${'  '.repeat(depth)}${message.type}`,
    ` [${message.source} -> ${message.topic} p${message.partition}@${message.offset}] id=${message.id.slice(0, 8)}`,
    message.causationId ? ` cause=${message.causationId.slice(0, 8)}` : '',
    ` ${summarisePayload(message.payload)}`,
    flags.length ? `  !! ${flags.join('; ')}` : '',
  ].join('');
}
