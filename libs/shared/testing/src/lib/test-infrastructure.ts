import { existsSync } from 'node:fs';
import { testKafkaAccess, type TestKafkaAccess } from './test-kafka.js';

export interface TestInfrastructure {
  /** A URL to the server's maintenance database, with rights to create databases. */
  postgresAdminUrl: string;
  kafkaBrokers: string[];
  /** How the tests and the services they start sign in to Kafka (see testKafkaAccess). */
  kafkaAccess: TestKafkaAccess;
  source: 'environment' | 'testcontainers';
}

const HOW_TO_START =
  'Integration tests need PostgreSQL and Kafka. Either run them through `npm test` (which starts the ' +
  'local infrastructure), or start it with `npm run infra:up` and set TEST_POSTGRES_URL=' +
  'postgresql://postgres@127.0.0.1:5432/postgres and TEST_KAFKA_BROKERS=127.0.0.1:9092, ' +
  'or make a Docker engine reachable so that Testcontainers can start them.';

let infrastructure: Promise<TestInfrastructure> | undefined;

/**
 * PostgreSQL and Kafka for integration tests: from TEST_POSTGRES_URL and
 * TEST_KAFKA_BROKERS when set (with the TEST_KAFKA_* credentials), otherwise from Testcontainers when a Docker
 * engine is reachable, otherwise an error that says how to start them.
 */
export function testInfrastructure(): Promise<TestInfrastructure> {
  infrastructure ??= resolveInfrastructure();
  return infrastructure;
}

async function resolveInfrastructure(): Promise<TestInfrastructure> {
  const postgresAdminUrl = process.env['TEST_POSTGRES_URL'];
  const kafkaBrokers = process.env['TEST_KAFKA_BROKERS'];
  if (postgresAdminUrl && kafkaBrokers) {
    return {
      postgresAdminUrl,
      kafkaBrokers: kafkaBrokers.split(','),
      kafkaAccess: testKafkaAccess(),
      source: 'environment',
    };
  }
  if (dockerEngineReachable()) {
    // Imported only here, so runs without Docker never load Testcontainers.
    const { startContainers } = await import('./containers.js');
    return startContainers();
  }
  throw new Error(HOW_TO_START);
}

function dockerEngineReachable(): boolean {
  return Boolean(process.env['DOCKER_HOST']) || existsSync('/var/run/docker.sock');
}
