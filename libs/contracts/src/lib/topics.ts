/** Kafka topics of the business flow. Every message is keyed by its order id. */
export const Topics = {
  /** OrderCreated, OrderConfirmed, OrderCancelled: published by order. */
  orderEvents: 'orders.events',
  /** StockReserved, StockUnavailable, StockReleased, StockCommitted: published by inventory. */
  inventoryEvents: 'inventory.events',
  /** PaymentAuthorized, PaymentDeclined, PaymentCaptured, PaymentVoided, PaymentRefunded: published by payment. */
  paymentEvents: 'payments.events',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

/** Where a service's consumer puts the messages it cannot handle: `<service>.dead-letters`. */
export const deadLetterTopic = (service: string) => `${service}.dead-letters`;
