export { createKafkaClient, silentLogger, type KafkaClientOptions, type StructuredLogger } from './lib/kafka-client.js';
export { KafkaReadinessProbe } from './lib/kafka-readiness-probe.js';
export { ensureTopics, type TopicSpec } from './lib/topics.js';
export { grantKafkaAccess, revokeKafkaAccess } from './lib/kafka-access.js';
export {
  deploymentTopics,
  INSPECTOR_USER,
  inspectorAclRules,
  SERVICE_KAFKA_ACCESS,
  serviceAclRules,
  type AclRule,
  type KafkaServiceUser,
  type ServiceKafkaAccess,
} from './lib/kafka-acls.js';
