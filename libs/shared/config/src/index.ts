export { ConfigurationError, loadConfig, loadConfigOrExit } from './lib/load-config.js';
export {
  authenticationVariables,
  booleanVariable,
  checkKafkaSecurity,
  KAFKA_MAX_FETCH_MIN_BYTES,
  kafkaBrokersVariable,
  kafkaSecurityVariables,
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
  type KafkaSecuritySettings,
  type ServiceEnvironment,
} from './lib/environment-variables.js';
export { kafkaSecurityFromEnvironment, kafkaSecurityOf, type KafkaSecurity } from './lib/kafka-security.js';
