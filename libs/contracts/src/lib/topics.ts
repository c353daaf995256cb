/**
 * Kafka topics of the business flow. Every message is keyed by its order id.
 * Events that the same services consume share a topic, and no service is sent
 * an event it does not handle: a consumer pays for every message it is
 * delivered, handled or skipped.
 */
export const Topics = {
  /** OrderCreated of a choreographed order, published by order: inventory starts the saga from it. */
  orderCreated: 'orders.created',
  /** OrderCreated of an orchestrated order, published by order: the orchestrator starts the saga from it. */
  orchestratedOrderCreated: 'orders.created.orchestrated',
  /** OrderConfirmed, OrderCancelled, published by order: inventory and payment finish a choreographed saga. */
  orderOutcomes: 'orders.outcomes',
  /** StockReserved, published by inventory: payment authorises the order. */
  stockReservations: 'inventory.reservations',
  /** StockUnavailable, published by inventory: order cancels the order. */
  stockShortages: 'inventory.shortages',
  /** StockReleased, StockCommitted, published by inventory: what became of a reservation; no service consumes them. */
  inventoryEvents: 'inventory.events',
  /** PaymentAuthorized, PaymentDeclined, published by payment: order confirms or cancels the order. */
  paymentDecisions: 'payments.decisions',
  /** PaymentCaptured, PaymentVoided, PaymentRefunded, published by payment: what became of an authorisation; no service consumes them. */
  paymentEvents: 'payments.events',
  /** ReserveStock, ReleaseStock, CommitStock: sent by the orchestrator. */
  inventoryCommands: 'inventory.commands',
  /** AuthorizePayment, VoidPayment, CapturePayment: sent by the orchestrator. */
  paymentCommands: 'payments.commands',
  /** ApproveOrder, RejectOrder: sent by the orchestrator. */
  orderCommands: 'orders.commands',
  /** SagaReply: every participant's answer to a command. */
  sagaReplies: 'orchestrator.replies',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

/** The two saga flows; a type both use, read by different services in each, travels on a topic per flow. */
export type SagaFlow = 'choreography' | 'orchestration';

/**
 * A service consumes in up to two lanes, each its own consumer group:
 * - `saga-steps`: what moves a saga on, which an order waits for; a fetch
 *   answers as soon as a message arrives.
 * - `settlement`: what follows an order's outcome (capturing its payment,
 *   selling or releasing its stock), which no one waits for; the broker
 *   gathers these for a while, and they are handled in larger batches.
 */
export type ConsumerLane = 'saga-steps' | 'settlement';

/** A lane's consumer group: the service's name, `<service>.settlement` for settlement. */
export const consumerGroupOf = (service: string, lane: ConsumerLane = 'saga-steps') =>
  lane === 'settlement' ? `${service}.settlement` : service;

/** Where a service's consumer puts the messages it cannot handle: `<service>.dead-letters`. */
export const deadLetterTopic = (service: string) => `${service}.dead-letters`;

/**
 * Where the operator console records each replay of a dead letter: who, when,
 * which dead letter, and where its copy went (`@dtx/dead-letters`).
 */
export const deadLetterReplaysTopic = 'dead-letters.replays';
