import { consumerGroupOf, deadLetterReplaysTopic, deadLetterTopic, Topics } from '@dtx/contracts';

/** What one service's Kafka user may do, in topic and group names without the deployment's prefix. */
export interface ServiceKafkaAccess {
  /** Topics it produces to: WRITE, DESCRIBE. */
  writes: readonly string[];
  /** Topics it consumes: READ, DESCRIBE. */
  reads: readonly string[];
  /** Consumer groups it joins and commits offsets in: READ. */
  groups: readonly string[];
  /** Other services' consumer groups whose committed offsets it reads: DESCRIBE. */
  describesGroups: readonly string[];
  /** Opens an idempotent producer while writing no topic: IDEMPOTENT_WRITE on the cluster. */
  idempotentProducerWithoutTopics: boolean;
}

const none: readonly string[] = [];

/**
 * Each service's Kafka user (named as the service) and all it may do. A
 * service produces its events, its replies and its dead letters through the
 * outbox relay and its consumer, consumes the topics its handlers read (the
 * feature libraries' specs check that against the handlers), and joins a
 * group named after itself, and inventory and payment a settlement group too
 * (`consumerGroupOf`). The admin creates every topic beforehand, so no
 * service may create one.
 */
export const SERVICE_KAFKA_ACCESS = {
  order: {
    writes: [
      Topics.orderCreated,
      Topics.orchestratedOrderCreated,
      Topics.orderOutcomes,
      Topics.sagaReplies,
      deadLetterTopic('order'),
    ],
    reads: [Topics.stockShortages, Topics.paymentDecisions, Topics.orderCommands],
    groups: ['order'],
    describesGroups: none,
    idempotentProducerWithoutTopics: false,
  },
  inventory: {
    writes: [
      Topics.stockReservations,
      Topics.stockShortages,
      Topics.inventoryEvents,
      Topics.sagaReplies,
      deadLetterTopic('inventory'),
    ],
    reads: [Topics.orderCreated, Topics.orderOutcomes, Topics.inventoryCommands],
    groups: [consumerGroupOf('inventory'), consumerGroupOf('inventory', 'settlement')],
    describesGroups: none,
    idempotentProducerWithoutTopics: false,
  },
  payment: {
    writes: [Topics.paymentDecisions, Topics.paymentEvents, Topics.sagaReplies, deadLetterTopic('payment')],
    reads: [Topics.stockReservations, Topics.orderOutcomes, Topics.paymentCommands],
    groups: [consumerGroupOf('payment'), consumerGroupOf('payment', 'settlement')],
    describesGroups: none,
    idempotentProducerWithoutTopics: false,
  },
  orchestrator: {
    writes: [Topics.inventoryCommands, Topics.paymentCommands, Topics.orderCommands, deadLetterTopic('orchestrator')],
    reads: [Topics.orchestratedOrderCreated, Topics.sagaReplies],
    groups: ['orchestrator'],
    // Its saga timers ask whether a participant has consumed the command they wait on.
    describesGroups: ['order', 'inventory', 'payment'],
    idempotentProducerWithoutTopics: false,
  },
  coordinator: {
    // 2PC runs over HTTP: the coordinator neither produces nor consumes, but every service opens its producer.
    writes: none,
    reads: none,
    groups: none,
    describesGroups: none,
    idempotentProducerWithoutTopics: true,
  },
} as const satisfies Record<string, ServiceKafkaAccess>;

export type KafkaServiceUser = keyof typeof SERVICE_KAFKA_ACCESS;

/** The operator console's user: reads everything, writes only where dead letters are replayed to. */
export const CONSOLE_USER = 'console';

/** The consumer groups the console makes for itself to read topics from the beginning (and deletes when done). */
export const CONSOLE_GROUP_PREFIX = 'console-';

/**
 * Where a dead letter can be replayed to: every topic some service consumes
 * (a dead letter comes from one of them), without the deployment's prefix.
 */
export const REPLAYABLE_TOPICS: readonly string[] = [
  ...new Set(Object.values(SERVICE_KAFKA_ACCESS).flatMap((access: ServiceKafkaAccess) => access.reads)),
];

/** What the console writes: a replayed dead letter goes back to its original topic, and each replay is recorded. */
const CONSOLE_WRITES: readonly string[] = [...REPLAYABLE_TOPICS, deadLetterReplaysTopic];

/** The read-only user of `npm run inspect`, `npm run audit` and a Kafka UI. */
export const INSPECTOR_USER = 'inspector';

/** The consumer groups the inspector's tools make for themselves (and delete when done). */
export const INSPECTOR_GROUP_PREFIXES = ['inspect-', 'audit-'] as const;

export type AclResource = 'TOPIC' | 'GROUP' | 'CLUSTER';
export type AclOperation = 'READ' | 'WRITE' | 'DESCRIBE' | 'DELETE' | 'DESCRIBE_CONFIGS' | 'IDEMPOTENT_WRITE';

/** One ALLOW rule: `principal` may `operation` on the resource, from any host. */
export interface AclRule {
  principal: string;
  resource: AclResource;
  /** A literal name (`*` for every one of its kind), or the start of names when `prefixed`. */
  name: string;
  prefixed: boolean;
  operation: AclOperation;
}

/** Kafka's name for the one cluster resource. */
const CLUSTER = 'kafka-cluster';

const rules = (
  principal: string,
  resource: AclResource,
  names: readonly string[],
  operations: readonly AclOperation[],
  prefixed = false,
): AclRule[] =>
  names.flatMap((name) => operations.map((operation) => ({ principal, resource, name, prefixed, operation })));

/** The topics of a deployment whose topic names start with `prefix`: every topic some service or the console writes or reads. */
export function deploymentTopics(prefix: string): string[] {
  const topics = Object.values(SERVICE_KAFKA_ACCESS).flatMap((access) => [...access.writes, ...access.reads]);
  return [...new Set([...topics, ...CONSOLE_WRITES])].map((topic) => `${prefix}${topic}`);
}

/** What each service's user may do in the deployment whose topic and group names start with `prefix`. */
export function serviceAclRules(prefix: string): AclRule[] {
  const named = (names: readonly string[]) => names.map((name) => `${prefix}${name}`);
  return Object.entries(SERVICE_KAFKA_ACCESS).flatMap(([service, access]: [string, ServiceKafkaAccess]) => {
    const principal = `User:${service}`;
    return [
      ...rules(principal, 'TOPIC', named(access.writes), ['WRITE', 'DESCRIBE']),
      ...rules(principal, 'TOPIC', named(access.reads), ['READ', 'DESCRIBE']),
      ...rules(principal, 'GROUP', named(access.groups), ['READ']),
      ...rules(principal, 'GROUP', named(access.describesGroups), ['DESCRIBE']),
      ...(access.idempotentProducerWithoutTopics ? rules(principal, 'CLUSTER', [CLUSTER], ['IDEMPOTENT_WRITE']) : []),
    ];
  });
}

/** The inspector reads and describes everything, in every deployment, and writes nothing but its own groups' offsets. */
export function inspectorAclRules(): AclRule[] {
  const principal = `User:${INSPECTOR_USER}`;
  return [
    ...rules(principal, 'TOPIC', ['*'], ['READ', 'DESCRIBE', 'DESCRIBE_CONFIGS']),
    ...rules(principal, 'GROUP', ['*'], ['DESCRIBE']),
    ...rules(principal, 'GROUP', INSPECTOR_GROUP_PREFIXES, ['READ', 'DELETE'], true),
    ...rules(principal, 'CLUSTER', [CLUSTER], ['DESCRIBE', 'DESCRIBE_CONFIGS']),
  ];
}

/**
 * The console in the deployment whose names start with `prefix`: WRITE only to
 * the topics a dead letter is replayed to and to the replay record topic.
 * Revoked with the deployment's services' rules.
 */
export function consoleDeploymentAclRules(prefix: string): AclRule[] {
  const principal = `User:${CONSOLE_USER}`;
  return rules(
    principal,
    'TOPIC',
    CONSOLE_WRITES.map((topic) => `${prefix}${topic}`),
    ['WRITE', 'DESCRIBE'],
  );
}

/**
 * The console's rights in every deployment: it reads and describes every topic
 * (an order's messages, the dead letters, the replay records) through groups
 * of its own, and nothing else: no other group, nothing on the cluster.
 */
export function consoleReadAclRules(): AclRule[] {
  const principal = `User:${CONSOLE_USER}`;
  return [
    ...rules(principal, 'TOPIC', ['*'], ['READ', 'DESCRIBE']),
    ...rules(principal, 'GROUP', [CONSOLE_GROUP_PREFIX], ['READ', 'DELETE'], true),
  ];
}

/** Everything the console may do in the deployment whose names start with `prefix` (the prod overlay's KafkaUser with `''`). */
export function consoleAclRules(prefix: string): AclRule[] {
  return [...consoleReadAclRules(), ...consoleDeploymentAclRules(prefix)];
}
