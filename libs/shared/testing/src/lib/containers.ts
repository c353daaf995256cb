import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import type { TestInfrastructure } from './test-infrastructure.js';
import { testKafkaAccess } from './test-kafka.js';

const POSTGRES_IMAGE = 'postgres:15.17-bookworm';
const KAFKA_IMAGE = 'apache/kafka:4.1.2';

/**
 * Starts PostgreSQL and a KRaft Kafka broker on the container engine (Docker,
 * or podman's Docker API), and stops them when the test process has nothing
 * left to do. Where Testcontainers' reaper runs (Docker) it also removes them if
 * the process dies; where it cannot (podman: TESTCONTAINERS_RYUK_DISABLED),
 * scripts/test.sh removes what is left by the label Testcontainers puts on them.
 */
export async function startContainers(): Promise<TestInfrastructure> {
  const [postgres, kafka] = await Promise.all([
    new GenericContainer(POSTGRES_IMAGE)
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withCommand(['postgres', '-c', 'max_prepared_transactions=128', '-c', 'max_connections=300'])
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start(),
    startKafka(),
  ]);
  process.once('beforeExit', () => {
    void Promise.allSettled([postgres.stop(), kafka.container.stop()]);
  });
  return {
    postgresAdminUrl: `postgresql://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`,
    kafkaBrokers: [kafka.broker],
    // A PLAINTEXT broker without ACLs: the tests of Kafka's authentication and authorisation need the local one.
    kafkaAccess: testKafkaAccess({ TEST_KAFKA_SASL_MECHANISM: '' }),
    source: 'testcontainers',
  };
}

/** apache/kafka advertises a fixed port, so the host port is chosen first and mapped 1:1. */
async function startKafka(): Promise<{ container: StartedTestContainer; broker: string }> {
  const { freePort } = await import('./free-port.js');
  const port = await freePort();
  const container = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: port, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://:${port},CONTROLLER://:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://localhost:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  return { container, broker: `${container.getHost()}:${port}` };
}
