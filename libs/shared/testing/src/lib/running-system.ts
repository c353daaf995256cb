import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePorts } from './free-port.js';
import { repositoryRoot, type ServiceName } from './repository.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { testInfrastructure } from './test-infrastructure.js';
import { uniqueName } from './unique-name.js';

const run = promisify(execFile);

/** Services of one test suite: their own databases, their own topic names, their own ports. */
export interface RunningSystem {
  brokers: string[];
  /** Prepended to every topic name of this suite. */
  topicPrefix: string;
  url(service: ServiceName): string;
  databaseUrl(service: ServiceName): string;
  process(service: ServiceName): ServiceProcess;
  /** SIGKILL, as a crash would. */
  kill(service: ServiceName): Promise<void>;
  /** Starts a stopped or killed service again, with the same database and port. */
  restart(service: ServiceName): Promise<void>;
  /** Stops every service and drops the databases. */
  shutdown(): Promise<void>;
}

/**
 * Migrates a database the way a deployment does: with the offline migrate command,
 * which applies the tables of the libraries the service uses, then its own migrations.
 */
async function migrate(service: ServiceName, databaseUrl: string): Promise<void> {
  const root = repositoryRoot();
  const cli = join(root, 'libs/shared/prisma/dist/src/cli/migrate.js');
  await run(process.execPath, [cli, '--database-url', databaseUrl, '--service', service, '--root', root]);
}

/** A fresh database of its own with a service's migrations applied. */
export async function createMigratedTestDatabase(service: ServiceName): Promise<TestDatabase> {
  const database = await createTestDatabase(service);
  await migrate(service, database.url);
  return database;
}

/**
 * Starts the given services as OS processes on fresh, migrated databases and
 * a topic prefix of their own, with fault injection enabled.
 */
export async function startSystem(
  services: ServiceName[],
  options: { environment?: Record<string, string> } = {},
): Promise<RunningSystem> {
  const { kafkaBrokers } = await testInfrastructure();
  const topicPrefix = `${uniqueName('t')}.`;
  const databases = new Map<ServiceName, TestDatabase>();
  const ports = new Map<ServiceName, number>();
  const processes = new Map<ServiceName, ServiceProcess>();

  const urlOf = (service: ServiceName) => `http://127.0.0.1:${ports.get(service) ?? 0}`;
  const environmentOf = (service: ServiceName) => ({
    PORT: String(ports.get(service)),
    // Where the 2PC protocol reaches the other services of this system.
    COORDINATOR_URL: urlOf('coordinator'),
    ORDER_SERVICE_URL: urlOf('order'),
    INVENTORY_SERVICE_URL: urlOf('inventory'),
    PAYMENT_SERVICE_URL: urlOf('payment'),
    DATABASE_URL: databases.get(service)?.url ?? '',
    KAFKA_BROKERS: kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: topicPrefix,
    ENABLE_FAULT_INJECTION: 'true',
    ...options.environment,
  });
  const start = async (service: ServiceName) => {
    processes.set(service, await startServiceProcess(service, environmentOf(service)));
  };

  for (const service of services) {
    databases.set(service, await createMigratedTestDatabase(service));
  }
  const chosen = await freePorts(services.length);
  services.forEach((service, index) => ports.set(service, chosen[index] ?? 0));
  await Promise.all(services.map(start));

  const processOf = (service: ServiceName) => {
    const found = processes.get(service);
    if (!found) {
      throw new Error(`${service} is not part of this system`);
    }
    return found;
  };
  return {
    brokers: kafkaBrokers,
    topicPrefix,
    url: urlOf,
    databaseUrl: (service) => databases.get(service)?.url ?? '',
    process: processOf,
    kill: (service) => processOf(service).kill(),
    restart: async (service) => {
      await processOf(service).stop();
      await start(service);
    },
    shutdown: async () => {
      await Promise.all([...processes.values()].map((process) => process.stop()));
      await Promise.all([...databases.values()].map((database) => database.drop()));
    },
  };
}
