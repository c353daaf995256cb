import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deadLetterReplaysTopic, deadLetterTopic, Topics } from '@dtx/contracts';
import {
  consoleAclRules,
  consoleDeploymentAclRules,
  deploymentTopics,
  inspectorAclRules,
  REPLAYABLE_TOPICS,
  SERVICE_KAFKA_ACCESS,
  serviceAclRules,
  type AclRule,
  type ServiceKafkaAccess,
} from './kafka-acls.js';

const services = Object.entries(SERVICE_KAFKA_ACCESS) as [string, ServiceKafkaAccess][];
const writers = (topic: string) => services.filter(([, access]) => access.writes.includes(topic)).map(([name]) => name);
const readers = (topic: string) => services.filter(([, access]) => access.reads.includes(topic)).map(([name]) => name);
const granted = (rules: AclRule[], principal: string, resource: string, name: string) =>
  rules
    .filter((rule) => rule.principal === principal && rule.resource === resource && rule.name === name)
    .map((rule) => rule.operation)
    .sort();

describe('the Kafka ACL table', () => {
  it('covers every topic of the contracts, the dead letters of every service that consumes and the replay records', () => {
    const consuming = services.filter(([, access]) => access.groups.length > 0).map(([name]) => name);
    assert.deepEqual(consuming, ['order', 'inventory', 'payment', 'orchestrator']);
    assert.deepEqual(
      deploymentTopics('').sort(),
      [
        ...Object.values(Topics),
        ...consuming.map((service) => deadLetterTopic(service)),
        deadLetterReplaysTopic,
      ].sort(),
    );
  });

  it('lets only its owner write a topic of events, only the orchestrator write commands, only the participants reply', () => {
    for (const topic of [Topics.orderCreated, Topics.orchestratedOrderCreated, Topics.orderOutcomes]) {
      assert.deepEqual(writers(topic), ['order'], topic);
    }
    for (const topic of [Topics.stockReservations, Topics.stockShortages, Topics.inventoryEvents]) {
      assert.deepEqual(writers(topic), ['inventory'], topic);
    }
    for (const topic of [Topics.paymentDecisions, Topics.paymentEvents]) {
      assert.deepEqual(writers(topic), ['payment'], topic);
    }
    for (const topic of [Topics.orderCommands, Topics.inventoryCommands, Topics.paymentCommands]) {
      assert.deepEqual(writers(topic), ['orchestrator'], topic);
    }
    assert.deepEqual(writers(Topics.sagaReplies), ['order', 'inventory', 'payment']);
    assert.deepEqual(readers(Topics.sagaReplies), ['orchestrator']);
    for (const [service, access] of services) {
      for (const topic of access.writes.filter((name) => name.endsWith('.dead-letters'))) {
        assert.equal(topic, deadLetterTopic(service), `${service} writes only its own dead letters`);
      }
    }
  });

  it('gives each service its own topics and group, prefixed, and nothing to create, alter or delete', () => {
    const rules = serviceAclRules('t-abc.');
    assert.deepEqual(granted(rules, 'User:order', 'TOPIC', 't-abc.orders.created'), ['DESCRIBE', 'WRITE']);
    assert.deepEqual(granted(rules, 'User:order', 'TOPIC', 't-abc.payments.decisions'), ['DESCRIBE', 'READ']);
    assert.deepEqual(granted(rules, 'User:order', 'GROUP', 't-abc.order'), ['READ']);
    assert.deepEqual(granted(rules, 'User:order', 'TOPIC', 't-abc.inventory.commands'), []);
    assert.deepEqual(granted(rules, 'User:orchestrator', 'GROUP', 't-abc.payment'), ['DESCRIBE']);
    assert.deepEqual(granted(rules, 'User:coordinator', 'CLUSTER', 'kafka-cluster'), ['IDEMPOTENT_WRITE']);
    assert.ok(rules.every((rule) => !rule.prefixed && rule.name !== '*'));
    assert.ok(rules.every((rule) => rule.resource === 'CLUSTER' || rule.name.startsWith('t-abc.')));
    assert.ok(rules.every((rule) => ['READ', 'WRITE', 'DESCRIBE', 'IDEMPOTENT_WRITE'].includes(rule.operation)));
  });

  it('lets the inspector read and describe everything and write nothing', () => {
    const rules = inspectorAclRules();
    assert.ok(rules.every((rule) => rule.principal === 'User:inspector'));
    assert.deepEqual(granted(rules, 'User:inspector', 'TOPIC', '*'), ['DESCRIBE', 'DESCRIBE_CONFIGS', 'READ']);
    assert.ok(rules.every((rule) => rule.operation !== 'WRITE' && rule.operation !== 'IDEMPOTENT_WRITE'));
    assert.ok(
      rules.filter((rule) => rule.operation === 'DELETE').every((rule) => rule.resource === 'GROUP' && rule.prefixed),
      'deletes only the groups its tools make',
    );
  });

  it('lets the console read everything, write only the topics dead letters go back to and its replay records', () => {
    const rules = consoleAclRules('t-abc.');
    assert.ok(rules.every((rule) => rule.principal === 'User:console'));
    assert.deepEqual(granted(rules, 'User:console', 'TOPIC', '*'), ['DESCRIBE', 'READ']);
    const written = rules.filter((rule) => rule.operation === 'WRITE').map((rule) => rule.name);
    // A dead letter comes from a topic some service consumes: not from the records nobody consumes.
    const consumed = Object.values(Topics).filter(
      (topic) => topic !== Topics.inventoryEvents && topic !== Topics.paymentEvents,
    );
    assert.deepEqual(written.sort(), [...consumed, deadLetterReplaysTopic].map((topic) => `t-abc.${topic}`).sort());
    assert.deepEqual([...REPLAYABLE_TOPICS].sort(), [...consumed].sort());
    assert.ok(
      written.every((topic) => !topic.endsWith('.dead-letters')),
      'never writes a dead letter',
    );
    assert.deepEqual(
      rules.filter((rule) => rule.resource === 'GROUP').map((rule) => [rule.name, rule.prefixed, rule.operation]),
      [
        ['console-', true, 'READ'],
        ['console-', true, 'DELETE'],
      ],
    );
    assert.ok(rules.every((rule) => rule.resource !== 'CLUSTER'));
    assert.ok(
      consoleDeploymentAclRules('t-abc.').every((rule) => rule.name.startsWith('t-abc.') && !rule.prefixed),
      'what is revoked with a deployment names only its topics',
    );
  });
});
