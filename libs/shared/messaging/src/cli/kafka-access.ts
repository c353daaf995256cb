#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { kafkaSecurityFromEnvironment } from '@dtx/config';
import { createKafkaClient } from '../lib/kafka-client.js';
import { grantKafkaAccess, revokeKafkaAccess } from '../lib/kafka-access.js';

const usage = `usage: dtx-kafka-access [--brokers host:port,...] [--prefix <topic prefix>] [--revoke]

Creates the topics of the deployment whose topic names start with --prefix and
grants each service's Kafka user only its own topics and groups, and the
inspector user read-only rights and the console user its reads and replay writes
(libs/shared/messaging/src/lib/kafka-acls.ts).
--revoke removes the services' rules of that deployment instead. Signs in with
KAFKA_SASL_MECHANISM, KAFKA_USERNAME and KAFKA_PASSWORD or KAFKA_PASSWORD_FILE
(a super user); --brokers defaults to KAFKA_BROKERS.`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      brokers: { type: 'string', default: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092' },
      prefix: { type: 'string', default: process.env['KAFKA_TOPIC_PREFIX'] ?? '' },
      revoke: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const label = `kafka-access${values.prefix ? ` ${values.prefix}` : ''}`;
try {
  const kafka = createKafkaClient({
    clientId: 'kafka-access',
    brokers: values.brokers.split(','),
    security: kafkaSecurityFromEnvironment(),
    // Topics just created may be announced before every broker hosts them (UNKNOWN_TOPIC_OR_PARTITION, retriable).
    retries: 8,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (values.revoke) {
      console.log(`${label}: ${await revokeKafkaAccess(admin, values.prefix)} service rules removed`);
    } else {
      const { createdTopics, rules } = await grantKafkaAccess(admin, values.prefix);
      console.log(`${label}: ${createdTopics.length} topics created, ${rules} rules granted`);
    }
  } finally {
    await admin.disconnect();
  }
} catch (error) {
  console.error(`${label}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
