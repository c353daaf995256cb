import type { z } from 'zod';
import { OrderCancelled, OrderConfirmed, OrderCreated } from './order-events.js';
import { StockCommitted, StockReleased, StockReserved, StockUnavailable } from './inventory-events.js';
import {
  PaymentAuthorized,
  PaymentCaptured,
  PaymentDeclined,
  PaymentRefunded,
  PaymentVoided,
} from './payment-events.js';
import {
  ApproveOrder,
  AuthorizePayment,
  CapturePayment,
  CommitStock,
  RejectOrder,
  ReleaseStock,
  ReserveStock,
  SagaReply,
  VoidPayment,
} from './saga-commands.js';
import { Topics, type SagaFlow, type Topic } from './topics.js';

/**
 * Every message type: the topic it travels on, its payload schema, and its
 * schema version. A type that both saga flows use, read by different
 * services in each, has a topic per flow (`topicOfFlow`, chosen by its
 * payload's `mode`), so that no service is delivered another flow's messages
 * only to skip them.
 */
export const messageCatalog = {
  OrderCreated: {
    topic: Topics.orderCreated,
    topicOfFlow: { choreography: Topics.orderCreated, orchestration: Topics.orchestratedOrderCreated },
    schema: OrderCreated,
    schemaVersion: 1,
  },
  OrderConfirmed: { topic: Topics.orderOutcomes, schema: OrderConfirmed, schemaVersion: 1 },
  OrderCancelled: { topic: Topics.orderOutcomes, schema: OrderCancelled, schemaVersion: 1 },
  StockReserved: { topic: Topics.stockReservations, schema: StockReserved, schemaVersion: 1 },
  StockUnavailable: { topic: Topics.stockShortages, schema: StockUnavailable, schemaVersion: 1 },
  StockReleased: { topic: Topics.inventoryEvents, schema: StockReleased, schemaVersion: 1 },
  StockCommitted: { topic: Topics.inventoryEvents, schema: StockCommitted, schemaVersion: 1 },
  PaymentAuthorized: { topic: Topics.paymentDecisions, schema: PaymentAuthorized, schemaVersion: 1 },
  PaymentDeclined: { topic: Topics.paymentDecisions, schema: PaymentDeclined, schemaVersion: 1 },
  PaymentCaptured: { topic: Topics.paymentEvents, schema: PaymentCaptured, schemaVersion: 1 },
  PaymentVoided: { topic: Topics.paymentEvents, schema: PaymentVoided, schemaVersion: 1 },
  PaymentRefunded: { topic: Topics.paymentEvents, schema: PaymentRefunded, schemaVersion: 1 },
  ReserveStock: { topic: Topics.inventoryCommands, schema: ReserveStock, schemaVersion: 1 },
  ReleaseStock: { topic: Topics.inventoryCommands, schema: ReleaseStock, schemaVersion: 1 },
  CommitStock: { topic: Topics.inventoryCommands, schema: CommitStock, schemaVersion: 1 },
  AuthorizePayment: { topic: Topics.paymentCommands, schema: AuthorizePayment, schemaVersion: 1 },
  VoidPayment: { topic: Topics.paymentCommands, schema: VoidPayment, schemaVersion: 1 },
  CapturePayment: { topic: Topics.paymentCommands, schema: CapturePayment, schemaVersion: 1 },
  ApproveOrder: { topic: Topics.orderCommands, schema: ApproveOrder, schemaVersion: 1 },
  RejectOrder: { topic: Topics.orderCommands, schema: RejectOrder, schemaVersion: 1 },
  SagaReply: { topic: Topics.sagaReplies, schema: SagaReply, schemaVersion: 1 },
} as const;

export type MessageType = keyof typeof messageCatalog;

export type PayloadOf<Type extends MessageType> = z.infer<(typeof messageCatalog)[Type]['schema']>;

export function isMessageType(type: string): type is MessageType {
  return Object.hasOwn(messageCatalog, type);
}

/** The topic a message travels on: its flow's, for a type with a topic per flow, or its type's. */
export function topicOfMessage<Type extends MessageType>(type: Type, payload: PayloadOf<Type>): Topic {
  const byFlow = topicsByFlow(type);
  const mode = (payload as { mode?: unknown }).mode;
  return (
    (byFlow && (mode === 'choreography' || mode === 'orchestration') ? byFlow[mode] : undefined) ??
    messageCatalog[type].topic
  );
}

/**
 * The topics the given message types travel on (e.g. the keys of a handler
 * map): what a consumer of them subscribes to. A handler that names the one
 * saga flow it handles (`flow`, as `forFlow` in @dtx/inbox sets it) is
 * subscribed to that flow's topic of a type with a topic per flow.
 */
export function topicsOf(types: { readonly [Type in MessageType]?: unknown }): Topic[] {
  const topics = Object.entries(types).flatMap(([type, handler]) => {
    if (!isMessageType(type)) {
      throw new Error(`${type} is not a message type`);
    }
    return topicsOfType(type, flowOf(handler));
  });
  return [...new Set(topics)].sort();
}

/** The message types that travel on the given topics, sorted: what a consumer subscribed to them is delivered. */
export function messageTypesOn(topics: readonly Topic[]): MessageType[] {
  const wanted = new Set(topics);
  return Object.keys(messageCatalog)
    .filter(isMessageType)
    .filter((type) => topicsOfType(type).some((topic) => wanted.has(topic)))
    .sort();
}

/** Every topic a type travels on, or only the given flow's. */
function topicsOfType(type: MessageType, flow?: SagaFlow): Topic[] {
  const byFlow = topicsByFlow(type);
  if (!byFlow) {
    return [messageCatalog[type].topic];
  }
  return flow ? [byFlow[flow]] : [...new Set(Object.values(byFlow))];
}

function topicsByFlow(type: MessageType): Record<SagaFlow, Topic> | undefined {
  const entry = messageCatalog[type];
  return 'topicOfFlow' in entry ? entry.topicOfFlow : undefined;
}

function flowOf(handler: unknown): SagaFlow | undefined {
  const flow = (handler as { flow?: unknown } | undefined)?.flow;
  return flow === 'choreography' || flow === 'orchestration' ? flow : undefined;
}
