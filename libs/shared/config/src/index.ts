export { ConfigurationError, loadConfig, loadConfigOrExit } from './lib/load-config.js';
export {
  booleanVariable,
  kafkaBrokersVariable,
  logLevelVariable,
  portVariable,
  postgresUrlVariable,
  serviceEnvironmentSchema,
  type ServiceEnvironment,
} from './lib/environment-variables.js';
