/** Kafka topics of the business flow. Every message is keyed by its order id. */
export const Topics = {
  /** OrderCreated, OrderConfirmed, OrderCancelled: published by order. */
  orderEvents: 'orders.events',
  /** StockReserved, StockUnavailable, StockReleased, StockCommitted: published by inventory. */
  inventoryEvents: 'inventory.events',
  /** PaymentAuthorized, PaymentDeclined, PaymentCaptured, PaymentVoided, PaymentRefunded: published by payment. */
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

/** Where a service's consumer puts the messages it cannot handle: `<service>.dead-letters`. */
export const deadLetterTopic = (service: string) => `${service}.dead-letters`;

/**
 * Where the operator console records each replay of a dead letter: who, when,
 * which dead letter, and where its copy went (`@dtx/dead-letters`).
 */
export const deadLetterReplaysTopic = 'dead-letters.replays';
