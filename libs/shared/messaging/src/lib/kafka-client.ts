import './kafkajs-idle-timer-fix.js';
import type { KafkaSecurity } from '@dtx/config';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';

/** The subset of a pino logger that library code logs through. */
export interface StructuredLogger {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
  debug(details: object, message: string): void;
}

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  /** SASL credentials and TLS (see @dtx/config's kafkaSecurityOf); none for a PLAINTEXT broker. */
  security?: KafkaSecurity;
  logger?: StructuredLogger;
  /** kafkajs retries each request this many times before giving up (default 5). */
  retries?: number;
}

/** A kafkajs client whose own log lines go to the service's structured logger. */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...options.security,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { retries: options.retries ?? 5, initialRetryTime: 100, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => forwardKafkaLog(options.logger, entry),
  });
}

function forwardKafkaLog(logger: StructuredLogger | undefined, { namespace, level, log }: LogEntry): void {
  if (!logger) {
    return;
  }
  const { message, timestamp: _timestamp, logger: _name, ...details } = log;
  const fields = { component: 'kafkajs', namespace, ...details };
  switch (level) {
    case logLevel.ERROR:
      logger.error(fields, message);
      break;
    case logLevel.WARN:
      logger.warn(fields, message);
      break;
    case logLevel.INFO:
      logger.info(fields, message);
      break;
    default:
      logger.debug(fields, message);
  }
}

/** A logger that drops everything, for tests and tools. */
export const silentLogger: StructuredLogger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};
