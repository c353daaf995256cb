import type { KafkaSecurity } from '@dtx/config';

/** The services whose databases the audit reads. */
export type AuditedService = 'order' | 'inventory' | 'payment' | 'orchestrator' | 'coordinator';

export const AUDITED_SERVICES: readonly AuditedService[] = [
  'order',
  'inventory',
  'payment',
  'orchestrator',
  'coordinator',
];

export interface AuditOptions {
  /** `postgresql://` URL of each service's database. */
  databaseUrls: Record<AuditedService, string>;
  kafkaBrokers: string[];
  /** How to sign in to Kafka (the read-only inspector user suffices); none for a PLAINTEXT broker. */
  kafkaSecurity?: KafkaSecurity;
  /** Prepended to every topic name (KAFKA_TOPIC_PREFIX of the services); default empty. */
  topicPrefix?: string;
  /** How long to wait for the system to settle before reporting what is still wrong; default 60. */
  waitSeconds?: number;
  /** Told why the audit is still waiting, once per pass that found something. */
  onWaiting?: (violations: Violation[], remainingMs: number) => void;
}

export type ViolationKind =
  | 'order-not-final'
  | 'confirmed-without-captured-payment'
  | 'multiple-captured-payments'
  | 'captured-payment-for-cancelled-order'
  | 'payment-amount-mismatch'
  | 'payment-authorised-for-final-order'
  | 'money-not-conserved'
  | 'account-reserved-mismatch'
  | 'account-overdrawn'
  | 'confirmed-without-sold-stock'
  | 'sold-stock-for-cancelled-order'
  | 'reservation-held-for-final-order'
  | 'stock-not-conserved'
  | 'stock-reserved-mismatch'
  | 'saga-missing'
  | 'saga-not-finished'
  | 'saga-disagrees'
  | 'transaction-missing'
  | 'transaction-not-finished'
  | 'transaction-disagrees'
  | 'prepared-transaction-left'
  | 'outbox-backlog'
  | 'unaccounted-dead-letter';

/** What a violation is about: `id` is an order id, a SKU, a customer id, a database name or a dead letter's order id. */
export type ViolationSubject = 'order' | 'sku' | 'account' | 'database' | 'dead-letter';

export interface Violation {
  kind: ViolationKind;
  subject: ViolationSubject;
  id: string;
  detail: string;
}

/** A message a consumer gave up on, as read from `<prefix><service>.dead-letters`. */
export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  /** `dead-letter-reason`: a parse failure (INVALID_JSON, ...), HEADER_MISMATCH or HANDLER_FAILED. */
  reason: string;
  originalTopic: string;
  /** The message type, when the value could be read as an envelope. */
  type: string | null;
  /** The order the message is about (payload, aggregate id or key), or null if it names none. */
  orderId: string | null;
  /** Why the dead letter had, or may have had, no effect; or why it is a violation. */
  accounting: string;
  accountedFor: boolean;
}

/** Orders audited, counted per mode, then per status. */
export type OrderCounts = Record<string, Record<string, number>>;

export interface AuditReport {
  startedAt: string;
  finishedAt: string;
  /** False when the wait ran out with checks still failing. */
  settled: boolean;
  orders: { total: number; byMode: OrderCounts };
  deadLetters: DeadLetter[];
  violations: Violation[];
}
