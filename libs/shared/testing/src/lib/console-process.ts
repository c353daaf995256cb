import { ensureLocalKeys, localKeysDirectory } from '@dtx/auth';
import { freePort } from './free-port.js';
import type { RunningSystem } from './running-system.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';
import { testInfrastructure } from './test-infrastructure.js';

/**
 * The operator console as its own process, reading a running system: its
 * services' REST APIs, its Kafka topics (signed in as `kafkaUser`, the
 * console's own Kafka user), and tokens checked against the local issuer.
 * `environment` adds to or overrides its settings (JAEGER_QUERY_URL, say).
 */
export async function startConsoleProcess(
  system: RunningSystem,
  kafkaUser: string,
  environment: Record<string, string> = {},
): Promise<ServiceProcess> {
  const { kafkaAccess } = await testInfrastructure();
  const keys = await ensureLocalKeys(localKeysDirectory());
  return startServiceProcess('console', {
    PORT: String(await freePort()),
    KAFKA_BROKERS: system.brokers.join(','),
    ...kafkaAccess.serviceEnvironment(kafkaUser),
    KAFKA_TOPIC_PREFIX: system.topicPrefix,
    AUTH_JWKS_FILE: keys.jwksFile,
    ORDER_SERVICE_URL: system.url('order'),
    INVENTORY_SERVICE_URL: system.url('inventory'),
    PAYMENT_SERVICE_URL: system.url('payment'),
    ORCHESTRATOR_SERVICE_URL: system.url('orchestrator'),
    COORDINATOR_URL: system.url('coordinator'),
    ...environment,
  });
}
