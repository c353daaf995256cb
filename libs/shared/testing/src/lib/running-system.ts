import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureLocalKeys, localKeysDirectory } from '@dtx/auth';
import type { KafkaSecurity } from '@dtx/config';
import { freePorts } from './free-port.js';
import { grantKafkaAccess, revokeKafkaAccess } from './kafka-access.js';
import { repositoryRoot, type ServiceName } from './repository.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { testInfrastructure } from './test-infrastructure.js';
import { uniqueName } from './unique-name.js';

const run = promisify(execFile);

/** Services of one test suite: their own databases, their own topic names, their own ports. */
export interface RunningSystem {
  brokers: string[];
  /** How the tests' own Kafka clients sign in (the services sign in as their own users). */
  kafkaSecurity: KafkaSecurity;
  /** Prepended to every topic name of this suite. */
  topicPrefix: string;
  /** The base URL of a service's replica (the first by default). */
  url(service: ServiceName, replica?: number): string;
  /** The base URLs of every replica of a service. */
  urls(service: ServiceName): string[];
  /** Where a replica serves fault injection (/admin/*): its admin port. */
  adminUrl(service: ServiceName, replica?: number): string;
  /** The service's database as the superuser, for the test to look inside; the service itself connects as its runtime role. */
  databaseUrl(service: ServiceName): string;
  process(service: ServiceName, replica?: number): ServiceProcess;
  /** SIGKILL, as a crash would. */
  kill(service: ServiceName, replica?: number): Promise<void>;
  /** Starts a stopped or killed replica again, with the same database and port. */
  restart(service: ServiceName, replica?: number): Promise<void>;
  /** Stops every service and drops the databases. */
  shutdown(): Promise<void>;
}

/**
 * Migrates a database the way a deployment does: with the offline migrate command, as
 * the database's owner, which applies the tables of the libraries the service uses, then
 * its own migrations, and lets the runtime role read and write their rows.
 */
async function migrate(service: ServiceName, database: TestDatabase): Promise<void> {
  const root = repositoryRoot();
  const cli = join(root, 'libs/shared/prisma/dist/src/cli/migrate.js');
  await run(process.execPath, [
    cli,
    ...['--database-url', database.ownerUrl, '--service', service, '--root', root],
    ...['--runtime-role', database.roles.runtime],
  ]);
}

/** A fresh database of its own with a service's migrations applied, ready for its runtime role. */
export async function createMigratedTestDatabase(service: ServiceName): Promise<TestDatabase> {
  const database = await createTestDatabase(service);
  await migrate(service, database);
  return database;
}

/**
 * Starts the given services as OS processes on fresh, migrated databases and
 * a topic prefix of their own, with fault injection enabled. `replicas` runs
 * several processes of a service, each on its own port, sharing its database
 * and consumer groups.
 */
export async function startSystem(
  services: ServiceName[],
  options: { environment?: Record<string, string>; replicas?: Partial<Record<ServiceName, number>> } = {},
): Promise<RunningSystem> {
  const { kafkaBrokers, kafkaAccess } = await testInfrastructure();
  // Tokens of the local issuer (what the tests' clients send) are what the services accept.
  const keys = await ensureLocalKeys(localKeysDirectory());
  const topicPrefix = `${uniqueName('t')}.`;
  const databases = new Map<ServiceName, TestDatabase>();
  const replicaCount = (service: ServiceName) => Math.max(1, options.replicas?.[service] ?? 1);
  const ports = new Map<string, number>();
  const processes = new Map<string, ServiceProcess>();
  const keyOf = (service: ServiceName, replica: number) => `${service} ${replica}`;

  const urlOf = (service: ServiceName, replica = 1) => `http://127.0.0.1:${ports.get(keyOf(service, replica)) ?? 0}`;
  const adminUrlOf = (service: ServiceName, replica = 1) =>
    `http://127.0.0.1:${ports.get(`${keyOf(service, replica)} admin`) ?? 0}`;
  const urlsOf = (service: ServiceName) =>
    Array.from({ length: services.includes(service) ? replicaCount(service) : 1 }, (_, index) =>
      urlOf(service, index + 1),
    );
  const environmentOf = (service: ServiceName, replica: number) => ({
    PORT: String(ports.get(keyOf(service, replica))),
    ADMIN_PORT: String(ports.get(`${keyOf(service, replica)} admin`)),
    // Where the 2PC protocol reaches the other services of this system.
    COORDINATOR_URL: urlOf('coordinator'),
    ORDER_SERVICE_URL: urlsOf('order').join(','),
    INVENTORY_SERVICE_URL: urlsOf('inventory').join(','),
    PAYMENT_SERVICE_URL: urlsOf('payment').join(','),
    DATABASE_URL: databases.get(service)?.runtimeUrl ?? '',
    KAFKA_BROKERS: kafkaBrokers.join(','),
    ...kafkaAccess.serviceEnvironment(service),
    KAFKA_TOPIC_PREFIX: topicPrefix,
    ENABLE_FAULT_INJECTION: 'true',
    AUTH_JWKS_FILE: keys.jwksFile,
    AUTH_SIGNING_KEY_FILE: keys.privateKeyFile,
    ...options.environment,
  });
  const start = async (service: ServiceName, replica: number) => {
    processes.set(keyOf(service, replica), await startServiceProcess(service, environmentOf(service, replica)));
  };

  await grantKafkaAccess(topicPrefix);
  for (const service of services) {
    databases.set(service, await createMigratedTestDatabase(service));
  }
  const replicas = services.flatMap((service) =>
    Array.from({ length: replicaCount(service) }, (_, index) => ({ service, replica: index + 1 })),
  );
  const chosen = await freePorts(replicas.length * 2);
  replicas.forEach(({ service, replica }, index) => {
    ports.set(keyOf(service, replica), chosen[2 * index] ?? 0);
    ports.set(`${keyOf(service, replica)} admin`, chosen[2 * index + 1] ?? 0);
  });
  const started = await Promise.allSettled(replicas.map(({ service, replica }) => start(service, replica)));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    // Stop what did start, or its processes would outlive the test and keep it from ending.
    await Promise.allSettled([...processes.values()].map((running) => running.stop()));
    await Promise.allSettled([...databases.values()].map((database) => database.drop()));
    await revokeKafkaAccess(topicPrefix).catch(() => undefined);
    throw failed.reason;
  }

  const processOf = (service: ServiceName, replica = 1) => {
    const found = processes.get(keyOf(service, replica));
    if (!found) {
      throw new Error(`${service} (replica ${replica}) is not part of this system`);
    }
    return found;
  };
  return {
    brokers: kafkaBrokers,
    kafkaSecurity: kafkaAccess.security,
    topicPrefix,
    url: urlOf,
    urls: urlsOf,
    adminUrl: adminUrlOf,
    databaseUrl: (service) => databases.get(service)?.url ?? '',
    process: processOf,
    kill: (service, replica) => processOf(service, replica).kill(),
    restart: async (service, replica = 1) => {
      await processOf(service, replica).stop();
      await start(service, replica);
    },
    shutdown: async () => {
      await Promise.all([...processes.values()].map((process) => process.stop()));
      await Promise.all([...databases.values()].map((database) => database.drop()));
      await revokeKafkaAccess(topicPrefix);
    },
  };
}
