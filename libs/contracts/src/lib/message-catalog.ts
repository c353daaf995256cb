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
import { Topics, type Topic } from './topics.js';

/** Every message type: the topic it travels on, its payload schema, and its schema version. */
export const messageCatalog = {
  OrderCreated: { topic: Topics.orderCreated, schema: OrderCreated, schemaVersion: 1 },
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

/** The topics the given message types travel on (e.g. the keys of a handler map): what a consumer of them subscribes to. */
export function topicsOf(types: { readonly [Type in MessageType]?: unknown }): Topic[] {
  const topics = Object.keys(types).map((type) => {
    if (!isMessageType(type)) {
      throw new Error(`${type} is not a message type`);
    }
    return messageCatalog[type].topic;
  });
  return [...new Set(topics)].sort();
}

/** The message types that travel on the given topics, sorted: what a consumer subscribed to them is delivered. */
export function messageTypesOn(topics: readonly Topic[]): MessageType[] {
  const wanted = new Set(topics);
  return Object.keys(messageCatalog)
    .filter(isMessageType)
    .filter((type) => wanted.has(messageCatalog[type].topic))
    .sort();
}
