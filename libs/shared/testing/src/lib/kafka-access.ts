import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repositoryRoot } from './repository.js';
import { testInfrastructure } from './test-infrastructure.js';

const run = promisify(execFile);

async function kafkaAccessCommand(topicPrefix: string, revoke: boolean): Promise<void> {
  const { kafkaBrokers, kafkaAccess } = await testInfrastructure();
  if (!kafkaAccess.authorizes) {
    return; // a broker without ACLs: the services create their topics themselves
  }
  const cli = join(repositoryRoot(), 'libs/shared/messaging/dist/src/cli/kafka-access.js');
  await run(
    process.execPath,
    [cli, '--brokers', kafkaBrokers.join(','), '--prefix', topicPrefix, ...(revoke ? ['--revoke'] : [])],
    { env: { PATH: process.env['PATH'] ?? '', ...kafkaAccess.adminEnvironment } },
  );
}

/**
 * Creates the topics of a deployment whose topic names start with `topicPrefix`
 * and grants each service's Kafka user its rights there, as a deployment does
 * (dtx-kafka-access, as the admin). Nothing to do on a broker without ACLs.
 */
export function grantKafkaAccess(topicPrefix: string): Promise<void> {
  return kafkaAccessCommand(topicPrefix, false);
}

/** Removes the services' rights granted for `topicPrefix`. */
export function revokeKafkaAccess(topicPrefix: string): Promise<void> {
  return kafkaAccessCommand(topicPrefix, true);
}
