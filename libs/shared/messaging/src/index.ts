export { createKafkaClient, silentLogger, type KafkaClientOptions, type StructuredLogger } from './lib/kafka-client.js';
export { KafkaReadinessProbe } from './lib/kafka-readiness-probe.js';
export { ensureTopics, type TopicSpec } from './lib/topics.js';
export { grantKafkaAccess, revokeKafkaAccess } from './lib/kafka-access.js';
export {
  CONSOLE_GROUP_PREFIX,
  CONSOLE_USER,
  consoleAclRules,
  consoleDeploymentAclRules,
  consoleReadAclRules,
  deploymentTopics,
  INSPECTOR_USER,
  inspectorAclRules,
  REPLAYABLE_TOPICS,
  SERVICE_KAFKA_ACCESS,
  serviceAclRules,
  type AclRule,
  type KafkaServiceUser,
  type ServiceKafkaAccess,
} from './lib/kafka-acls.js';
