export { ConfigurationError, loadConfig, loadConfigOrExit } from './lib/load-config.js';
export {
  booleanVariable,
  kafkaBrokersVariable,
  logLevelVariable,
  millisecondsVariable,
  portVariable,
  postgresUrlVariable,
  requireJwks,
  requireServiceCredentials,
  serviceCredentialVariables,
  serviceEnvironmentSchema,
  serviceUrlVariable,
  serviceUrlsVariable,
  twoPhaseParticipantVariables,
  type ServiceEnvironment,
} from './lib/environment-variables.js';
