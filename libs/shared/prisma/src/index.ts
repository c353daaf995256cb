export {
  applyMigrations,
  combineMigrationSources,
  DuplicateMigrationError,
  MigrationChangedError,
  MigrationFailedError,
  readMigrationFiles,
  readMigrationSources,
  type MigrationFile,
  type MigrationReport,
  type MigrationSource,
  type MigrationsLocation,
} from './lib/offline-migrate.js';
export {
  isMigratedService,
  SCHEMA_MODULES,
  SERVICE_SCHEMA_MODULES,
  serviceMigrationSources,
  type MigratedService,
  type SchemaModule,
} from './lib/schema-modules.js';
export { pgAdapter } from './lib/pg-adapter.js';
export { grantRuntimeAccess, RuntimeRoleRefusedError } from './lib/runtime-access.js';
