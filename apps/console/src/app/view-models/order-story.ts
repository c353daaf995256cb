import { causalTimeline, summarisePayload, type ObservedMessage } from '@dtx/inspection';
import type { SagaStepView } from '@dtx/contracts';

/** One Kafka message of an order as the order page lists it, in causal order. */
export interface MessageRow extends Pick<
  ObservedMessage,
  'lamport' | 'id' | 'type' | 'source' | 'topic' | 'partition' | 'offset' | 'causationId' | 'deadLetter' | 'replay'
> {
  depth: number;
  summary: string;
  /** 2, 3, ... for a second, third copy of the same message id. */
  copy: number;
}

/** The order's messages in causal order (causation, then Lamport time), redeliveries and dead letters marked. */
export function messageRows(messages: readonly ObservedMessage[], topicPrefix = ''): MessageRow[] {
  return causalTimeline(messages).map(({ message, depth, copy }) => ({
    lamport: message.lamport,
    depth,
    id: message.id,
    type: message.type,
    source: message.source,
    topic: message.topic.startsWith(topicPrefix) ? message.topic.slice(topicPrefix.length) : message.topic,
    partition: message.partition,
    offset: message.offset,
    causationId: message.causationId,
    summary: summarisePayload(message.payload),
    copy,
    ...(message.deadLetter ? { deadLetter: message.deadLetter } : {}),
    ...(message.replay ? { replay: message.replay } : {}),
  }));
}

/** One line of a saga's history on the page. */
export interface SagaStepRow extends SagaStepView {
  position: number;
  durationMs: number | null;
}

/** The saga's actions and compensations in the order they started (the history's order where two started together). */
export function sagaStepRows(steps: readonly SagaStepView[]): SagaStepRow[] {
  return steps
    .map((step, index) => ({ step, index }))
    .sort(
      (left, right) => Date.parse(left.step.startedAt) - Date.parse(right.step.startedAt) || left.index - right.index,
    )
    .map(({ step }, position) => ({
      ...step,
      position: position + 1,
      durationMs: step.endedAt ? Date.parse(step.endedAt) - Date.parse(step.startedAt) : null,
    }));
}

/** Money in minor units as a decimal amount: 1250 → "12.50". */
export function formatMoney(minorUnits: number): string {
  const sign = minorUnits < 0 ? '-' : '';
  const absolute = Math.abs(minorUnits);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}
