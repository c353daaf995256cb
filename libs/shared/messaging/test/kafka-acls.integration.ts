import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kafkaSecurityFromEnvironment } from '@dtx/config';
import { testInfrastructure, uniqueName, type TestKafkaAccess } from '@dtx/testing';
import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { CONSOLE_USER, createKafkaClient, grantKafkaAccess, INSPECTOR_USER, revokeKafkaAccess } from '../src/index.js';

/** An error, its causes and the errors it aggregates as one line: name, Kafka error type and message of each. */
function described(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const { type, errors } = error as { type?: string; errors?: unknown[] };
  return [
    `${error.name} ${type ?? ''} ${error.message}`,
    ...[error.cause, ...(errors ?? [])].filter(Boolean).map(described),
  ].join(' <- ');
}

const authorizationFailed = (kind: 'TOPIC' | 'GROUP' | 'CLUSTER') => (error: unknown) => {
  assert.match(
    described(error),
    new RegExp(`${kind}_AUTHORIZATION_FAILED|${kind.toLowerCase()} authorization failed`, 'i'),
  );
  return true;
};

describe('Kafka credentials and ACLs on the real broker', () => {
  let brokers: string[];
  let access: TestKafkaAccess;
  let admin: Admin;
  const prefix = `${uniqueName('acl')}.`;
  const topic = (name: string) => `${prefix}${name}`;

  /** A client signed in as `user` (its password from the broker's credentials), retrying little. */
  const clientOf = (user: string): Kafka =>
    createKafkaClient({
      clientId: uniqueName(user),
      brokers,
      security: kafkaSecurityFromEnvironment(access.serviceEnvironment(user)),
      retries: 1,
    });

  const send = async (kafka: Kafka, to: string, value: string) => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    try {
      await producer.connect();
      await producer.send({ topic: to, acks: -1, messages: [{ key: 'k', value }] });
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  };

  /** Messages on a topic (all partitions): what reached it, whoever tried. */
  const messagesOn = async (name: string) =>
    (await admin.fetchTopicOffsets(name)).reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);

  /** Reads `count` messages with a group, from the beginning, committing them. */
  const consume = async (kafka: Kafka, from: string, groupId: string, count: number): Promise<string[]> => {
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    const values: string[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [from], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${values.length} of ${count} arrived`)), 30_000);
        consumer.on(consumer.events.CRASH, ({ payload }) => {
          clearTimeout(timer);
          reject(payload.error);
        });
        consumer
          .run({
            eachMessage: async ({ message }) => {
              values.push(message.value?.toString() ?? '');
              if (values.length === count) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
    return values;
  };

  before(async () => {
    const infrastructure = await testInfrastructure();
    brokers = infrastructure.kafkaBrokers;
    access = infrastructure.kafkaAccess;
    assert.ok(access.authorizes, 'these tests need a broker with SASL and ACLs, as npm run infra:up starts');
    admin = createKafkaClient({ clientId: uniqueName('acl-admin'), brokers, security: access.security }).admin();
    await admin.connect();
    await grantKafkaAccess(admin, prefix);
  });

  after(async () => {
    await revokeKafkaAccess(admin, prefix);
    await admin.disconnect();
  });

  it('refuses a client without credentials: it cannot connect, and produces nothing', async () => {
    const anonymous = createKafkaClient({ clientId: uniqueName('anonymous'), brokers, retries: 1 });
    // The SASL listener answers nothing but the SASL handshake before authentication: it closes the connection.
    await assert.rejects(send(anonymous, topic('orders.created'), 'anonymous'), /Closed connection/);
    assert.equal(await messagesOn(topic('orders.created')), 0);
  });

  it('refuses a wrong password with an authentication error', async () => {
    const impostor = createKafkaClient({
      clientId: uniqueName('impostor'),
      brokers,
      security: { sasl: { mechanism: 'scram-sha-512', username: 'order', password: 'not-the-password' } },
      retries: 1,
    });
    await assert.rejects(send(impostor, topic('orders.created'), 'impostor'), (error: unknown) => {
      assert.match(described(error), /KafkaJSSASLAuthenticationError.*invalid credentials/);
      return true;
    });
  });

  it("lets the order service's user produce to its own topics, and not to the payment service's events", async () => {
    const order = clientOf('order');
    await send(order, topic('orders.created'), 'order created');
    await send(order, topic('orchestrator.replies'), 'order approved');
    await assert.rejects(send(order, topic('payments.events'), 'a forged payment'), authorizationFailed('TOPIC'));
    assert.equal(await messagesOn(topic('orders.created')), 1);
    assert.equal(await messagesOn(topic('payments.events')), 0);
  });

  it("lets a service's user consume its topics in its own group, not in another service's group nor topics it does not read", async () => {
    await send(clientOf('order'), topic('orders.created'), 'for inventory');
    const inventory = clientOf('inventory');
    const read = await consume(inventory, topic('orders.created'), topic('inventory'), 1);
    assert.equal(read.length, 1);
    const [committed] = await admin.fetchOffsets({ groupId: topic('inventory'), topics: [topic('orders.created')] });
    assert.ok(
      committed?.partitions.some((partition) => Number(partition.offset) > 0),
      'offsets committed in its group',
    );

    // kafkajs reports the broker's GROUP_AUTHORIZATION_FAILED as finding no coordinator for the group.
    await assert.rejects(
      consume(inventory, topic('orders.created'), topic('payment'), 1),
      /Failed to find group coordinator/,
    );
    const [paymentGroup] = await admin.fetchOffsets({ groupId: topic('payment'), topics: [topic('orders.created')] });
    assert.ok(
      paymentGroup?.partitions.every((partition) => partition.offset === '-1'),
      'nothing committed in it',
    );
    await assert.rejects(
      consume(inventory, topic('payments.commands'), topic('inventory'), 1),
      authorizationFailed('TOPIC'),
    );
  });

  it('lets no service create a topic, and the coordinator open its producer but write nothing', async () => {
    const orderAdmin = clientOf('order').admin();
    await orderAdmin.connect();
    try {
      await assert.rejects(
        orderAdmin.createTopics({ topics: [{ topic: topic('orders.sideline') }] }),
        authorizationFailed('TOPIC'),
      );
    } finally {
      await orderAdmin.disconnect();
    }
    const coordinator = clientOf('coordinator').producer({ idempotent: true, maxInFlightRequests: 1 });
    await coordinator.connect();
    await coordinator.disconnect();
    await assert.rejects(
      send(clientOf('coordinator'), topic('orders.created'), 'forged'),
      authorizationFailed('TOPIC'),
    );
  });

  it('lets the inspector read any topic with a group of its own, and delete that group, but write nothing', async () => {
    await send(clientOf('payment'), topic('payment.dead-letters'), 'a dead letter');
    const inspector = clientOf(INSPECTOR_USER);
    const group = `inspect-${uniqueName('acl')}`;
    assert.deepEqual(await consume(inspector, topic('payment.dead-letters'), group, 1), ['a dead letter']);
    const inspectorAdmin = inspector.admin();
    await inspectorAdmin.connect();
    try {
      await inspectorAdmin.deleteGroups([group]);
      assert.ok(!(await admin.listGroups()).groups.some((listed) => listed.groupId === group));
    } finally {
      await inspectorAdmin.disconnect();
    }
    // Its producer cannot even start: it may write no topic, so the broker gives it no producer id.
    await assert.rejects(send(inspector, topic('payment.dead-letters'), 'forged'), authorizationFailed('CLUSTER'));
    assert.equal(await messagesOn(topic('payment.dead-letters')), 1);
  });

  it('lets the console read any topic with a group of its own, write where dead letters are replayed to and its replay records, and no dead-letter topic', async () => {
    await send(clientOf('inventory'), topic('inventory.dead-letters'), 'a dead letter');
    const consoleKafka = clientOf(CONSOLE_USER);
    const group = `console-${uniqueName('acl')}`;
    assert.deepEqual(await consume(consoleKafka, topic('inventory.dead-letters'), group, 1), ['a dead letter']);
    const consoleAdmin = consoleKafka.admin();
    await consoleAdmin.connect();
    try {
      await consoleAdmin.deleteGroups([group]);
    } finally {
      await consoleAdmin.disconnect();
    }
    await send(consoleKafka, topic('inventory.commands'), 'a replayed command');
    await send(consoleKafka, topic('dead-letters.replays'), 'a replay record');
    await assert.rejects(send(consoleKafka, topic('inventory.dead-letters'), 'forged'), authorizationFailed('TOPIC'));
    await assert.rejects(
      consume(consoleKafka, topic('inventory.commands'), topic('inventory'), 1),
      /Failed to find group coordinator/,
    );
    assert.equal(await messagesOn(topic('inventory.dead-letters')), 1);
  });

  it("takes a deployment's rights away when they are revoked", async () => {
    const revoked = `${uniqueName('acl-revoked')}.`;
    await grantKafkaAccess(admin, revoked);
    await send(clientOf('order'), `${revoked}orders.created`, 'while granted');
    await revokeKafkaAccess(admin, revoked);
    await assert.rejects(send(clientOf('order'), `${revoked}orders.created`, 'after'), authorizationFailed('TOPIC'));
    // The coordinator's right on the cluster is every deployment's on this broker: another one still has it.
    const { resources } = await admin.describeAcls({
      resourceType: kafkajs.AclResourceTypes.CLUSTER,
      resourcePatternType: kafkajs.ResourcePatternTypes.ANY,
      operation: kafkajs.AclOperationTypes.IDEMPOTENT_WRITE,
      permissionType: kafkajs.AclPermissionTypes.ANY,
    });
    assert.ok(
      resources.some((resource) => resource.acls.some((acl) => acl.principal === 'User:coordinator')),
      'the coordinator keeps IDEMPOTENT_WRITE on the cluster',
    );
  });
});
