export { createTestDatabase, RUNTIME_ROLE_SETTINGS, type TestDatabase } from './lib/test-database.js';
export { removeLeftoverTestDatabases } from './lib/leftover-test-databases.js';
export { testInfrastructure, type TestInfrastructure } from './lib/test-infrastructure.js';
export { uniqueName } from './lib/unique-name.js';
export {
  repositoryRoot,
  SERVICE_NAMES,
  serviceDatabaseName,
  serviceMigrationsDirectory,
  type ServiceName,
} from './lib/repository.js';
export { spawnService, startServiceProcess, type ProcessName, type ServiceProcess } from './lib/service-process.js';
export { startDisposablePostgres, type DisposablePostgres } from './lib/disposable-postgres.js';
export { freePort, freePorts } from './lib/free-port.js';
export { startSpanCollector, type CollectedSpan, type SpanCollector } from './lib/span-collector.js';
export { readTopics, sendRecords, testKafkaClient, type ReadRecord } from './lib/kafka-reader.js';
export { grantKafkaAccess, revokeKafkaAccess } from './lib/kafka-access.js';
export { testKafkaAccess, type TestKafkaAccess } from './lib/test-kafka.js';
export { createMigratedTestDatabase, startSystem, type RunningSystem } from './lib/running-system.js';
export { startConsoleProcess } from './lib/console-process.js';
export { rowsLockedElsewhere } from './lib/row-locks.js';
