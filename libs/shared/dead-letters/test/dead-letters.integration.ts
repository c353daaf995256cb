import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { kafkaSecurityFromEnvironment } from '@dtx/config';
import { CONSOLE_USER, createKafkaClient } from '@dtx/messaging';
import {
  grantKafkaAccess,
  readTopics,
  revokeKafkaAccess,
  sendRecords,
  testInfrastructure,
  uniqueName,
} from '@dtx/testing';
import type { Kafka } from 'kafkajs';
import {
  DeadLetterReplayError,
  listDeadLetters,
  replayDeadLetter,
  replayDeadLetters,
  replayRecordTopic,
} from '../src/index.js';

/** Dead letters written as a consumer writes them, replayed as the console user. */
describe('dead letters on the real broker', () => {
  const prefix = `${uniqueName('dl')}.`;
  let brokers: string[];
  let consoleKafka: Kafka;
  const orders = [randomUUID(), randomUUID(), randomUUID()];

  const deadLetter = (orderId: string, reason: string, originalTopic: string) => ({
    topic: `${prefix}inventory.dead-letters`,
    key: orderId,
    value: JSON.stringify({ id: `m-${orderId}`, type: 'OrderCreated', aggregateId: orderId, payload: { orderId } }),
    headers: {
      'message-id': `m-${orderId}`,
      'message-type': 'OrderCreated',
      'dead-letter-reason': reason,
      'dead-letter-attempts': '6',
      'dead-lettered-at': new Date().toISOString(),
      'original-topic': originalTopic,
      'original-partition': '0',
      'original-offset': '5',
    },
  });

  before(async () => {
    const infrastructure = await testInfrastructure();
    brokers = infrastructure.kafkaBrokers;
    await grantKafkaAccess(prefix);
    consoleKafka = createKafkaClient({
      clientId: 'console',
      brokers,
      security: kafkaSecurityFromEnvironment(infrastructure.kafkaAccess.serviceEnvironment(CONSOLE_USER)),
    });
    await sendRecords(brokers, [
      deadLetter(orders[0] as string, 'HANDLER_FAILED', `${prefix}orders.created`),
      deadLetter(orders[1] as string, 'HANDLER_FAILED', `${prefix}orders.created`),
      deadLetter(orders[2] as string, 'INVALID_PAYLOAD', 'another-deployment.orders.created'),
    ]);
  });
  after(async () => revokeKafkaAccess(prefix));

  it('lists them with their headers, refuses one from another deployment, replays the rest of a reason once', async () => {
    const letters = await listDeadLetters(consoleKafka, { topicPrefix: prefix });
    assert.deepEqual(new Set(letters.map((letter) => letter.orderId)), new Set(orders));
    assert.equal((await listDeadLetters(consoleKafka, { topicPrefix: prefix, reason: 'HANDLER_FAILED' })).length, 2);
    assert.ok(letters.every((letter) => letter.attempts === 6 && letter.type === 'OrderCreated'));
    assert.deepEqual(await listDeadLetters(consoleKafka, { topicPrefix: prefix, reason: 'INVALID_JSON' }), []);

    const foreign = letters.find((letter) => letter.orderId === orders[2]);
    assert.ok(foreign);
    await assert.rejects(
      replayDeadLetter(consoleKafka, { topicPrefix: prefix, deadLetter: foreign, replayedBy: 'ops' }),
      (error: unknown) => error instanceof DeadLetterReplayError && error.code === 'NOT_REPLAYABLE',
    );
    await assert.rejects(
      replayDeadLetter(consoleKafka, {
        topicPrefix: prefix,
        deadLetter: { topic: `${prefix}inventory.dead-letters`, partition: 0, offset: '999' },
        replayedBy: 'ops',
      }),
      (error: unknown) => error instanceof DeadLetterReplayError && error.code === 'NOT_FOUND',
    );

    const first = letters.find((letter) => letter.orderId === orders[0]);
    assert.ok(first);
    await replayDeadLetter(consoleKafka, { topicPrefix: prefix, deadLetter: first, replayedBy: 'ops' });
    // The rest of the reason: only the one not replayed yet. A batch holding a foreign one is refused whole.
    const rest = await replayDeadLetters(consoleKafka, {
      topicPrefix: prefix,
      reason: 'HANDLER_FAILED',
      replayedBy: 'eve',
    });
    assert.deepEqual(
      rest.map((replay) => replay.orderId),
      [orders[1]],
    );
    await assert.rejects(
      replayDeadLetters(consoleKafka, { topicPrefix: prefix, reason: 'INVALID_PAYLOAD', replayedBy: 'ops' }),
      (error: unknown) => error instanceof DeadLetterReplayError && error.code === 'NOT_REPLAYABLE',
    );
    const copies = await readTopics({
      brokers,
      topics: [`${prefix}orders.created`],
      until: (records) => records.length >= 2,
    });
    assert.deepEqual(
      copies.map((copy) => [copy.key, copy.headers['message-id'], copy.headers['replayed-by'], copy.partition]).sort(),
      [
        [orders[0], `m-${orders[0]}`, 'ops', 0],
        [orders[1], `m-${orders[1]}`, 'eve', 0],
      ].sort(),
    );
    assert.equal(copies[0]?.headers['dead-letter-reason'], undefined);

    const listed = await listDeadLetters(consoleKafka, { topicPrefix: prefix });
    assert.deepEqual(
      listed.map((letter) => [letter.orderId, letter.replays.map((replay) => replay.replayedBy)]).sort(),
      [
        [orders[0], ['ops']],
        [orders[1], ['eve']],
        [orders[2], []],
      ].sort(),
    );
    const records = await readTopics({
      brokers,
      topics: [replayRecordTopic(prefix)],
      until: (read) => read.length >= 2,
    });
    assert.equal(records.length, 2);
  });
});
