export {
  applyMigrations,
  MigrationChangedError,
  MigrationFailedError,
  readMigrationFiles,
  type MigrationFile,
  type MigrationReport,
} from './lib/offline-migrate.js';
export { pgAdapter } from './lib/pg-adapter.js';
