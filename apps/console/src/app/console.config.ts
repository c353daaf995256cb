import {
  authenticationVariables,
  booleanVariable,
  checkKafkaSecurity,
  kafkaBrokersVariable,
  kafkaSecurityVariables,
  logLevelVariable,
  millisecondsVariable,
  portVariable,
  requireJwks,
  serviceUrlVariable,
} from '@dtx/config';
import { z } from 'zod';

/** Environment variables of the console (see README, "Console"). It has no database. */
export const consoleEnvironment = z
  .object({
    PORT: portVariable(3006),
    HOST: z.string().min(1).default('127.0.0.1'),
    SERVICE_VERSION: z.string().min(1).default('0.1.0'),
    LOG_LEVEL: logLevelVariable,
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(8_000),
    KAFKA_BROKERS: kafkaBrokersVariable,
    ...kafkaSecurityVariables,
    KAFKA_TOPIC_PREFIX: z.string().default(''),
    ...authenticationVariables,
    ORDER_SERVICE_URL: serviceUrlVariable('http://127.0.0.1:3001'),
    INVENTORY_SERVICE_URL: serviceUrlVariable('http://127.0.0.1:3002'),
    PAYMENT_SERVICE_URL: serviceUrlVariable('http://127.0.0.1:3003'),
    ORCHESTRATOR_SERVICE_URL: serviceUrlVariable('http://127.0.0.1:3004'),
    COORDINATOR_URL: serviceUrlVariable('http://127.0.0.1:3005'),
    /** Jaeger's query API (the /api/traces/<traceId> of its query port). */
    JAEGER_QUERY_URL: serviceUrlVariable('http://127.0.0.1:16686'),
    /** Written by npm start while it builds Jaeger: { state: building|ready|failed, startedAt, expectedSeconds }. */
    JAEGER_STATUS_FILE: z.preprocess((value) => (value === '' ? undefined : value), z.string().optional()),
    /** How long a page waits for a service or Jaeger before showing the rest without it. */
    CONSOLE_UPSTREAM_TIMEOUT_MS: millisecondsVariable(2_000),
    /** The most Kafka messages the console keeps in memory, indexed by order id. */
    CONSOLE_INDEX_MAX_MESSAGES: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
    /** Mark the session cookie Secure (behind HTTPS, as in a cluster's ingress). */
    CONSOLE_SECURE_COOKIE: booleanVariable.default(false),
  })
  .superRefine(checkKafkaSecurity)
  .superRefine(requireJwks);

export type ConsoleConfig = z.output<typeof consoleEnvironment>;
