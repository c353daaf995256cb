export { createKafkaClient, silentLogger, type KafkaClientOptions, type StructuredLogger } from './lib/kafka-client.js';
export { KafkaReadinessProbe } from './lib/kafka-readiness-probe.js';
export { ensureTopics, type TopicSpec } from './lib/topics.js';
