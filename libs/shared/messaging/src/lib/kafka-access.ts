import { setTimeout as sleep } from 'node:timers/promises';
import kafkajs, { type AclEntry, type Admin } from 'kafkajs';
import {
  consoleAclRules,
  consoleDeploymentAclRules,
  deploymentTopics,
  inspectorAclRules,
  serviceAclRules,
  type AclRule,
} from './kafka-acls.js';
import { ensureTopics } from './topics.js';

// Only through the default export: Node finds no named export of kafkajs past `logLevel`.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

/** How long a broker may take to apply ACLs the controller has accepted. */
const ACLS_APPLIED_WITHIN_MS = 30_000;

function kafkaAcl(rule: AclRule): AclEntry {
  return {
    principal: rule.principal,
    host: '*',
    resourceType: AclResourceTypes[rule.resource],
    resourceName: rule.name,
    resourcePatternType: rule.prefixed ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
    operation: AclOperationTypes[rule.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

const keyOf = (acl: Omit<AclEntry, 'host' | 'permissionType'>) =>
  [acl.principal, acl.resourceType, acl.resourceName, acl.resourcePatternType, acl.operation].join(' ');

/**
 * Waits until the broker authorises by every rule (`applied`) or by none of
 * them: a broker applies ACLs a moment after the controller has accepted them,
 * and a client that comes sooner is refused.
 */
async function untilApplied(admin: Admin, rules: AclRule[], applied: boolean): Promise<void> {
  const wanted = rules.map((rule) => keyOf(kafkaAcl(rule)));
  const deadline = Date.now() + ACLS_APPLIED_WITHIN_MS;
  for (;;) {
    const { resources } = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    const present = new Set(
      resources.flatMap((resource) => resource.acls.map((acl) => keyOf({ ...resource, ...acl }))),
    );
    if (wanted.every((key) => present.has(key) === applied)) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the broker has not ${applied ? 'applied' : 'removed'} the ACLs within ${ACLS_APPLIED_WITHIN_MS} ms`,
      );
    }
    await sleep(100);
  }
}

/**
 * Creates the topics of the deployment whose names start with `prefix` and
 * grants each service's user what the ACL table allows it there, the
 * inspector its read-only rights and the console its reads and the writes of
 * its dead-letter replays; returns once the broker applies them.
 * Idempotent. `admin` must be a super user's.
 */
export async function grantKafkaAccess(
  admin: Admin,
  prefix: string,
): Promise<{ createdTopics: string[]; rules: number }> {
  const createdTopics = await ensureTopics(
    admin,
    deploymentTopics(prefix).map((topic) => ({ topic })),
  );
  const rules = [...serviceAclRules(prefix), ...inspectorAclRules(), ...consoleAclRules(prefix)];
  await admin.createAcls({ acl: rules.map(kafkaAcl) });
  await untilApplied(admin, rules, true);
  return { createdTopics, rules: rules.length };
}

/**
 * Removes what `grantKafkaAccess` granted the services and the console in that
 * deployment (not its topics); returns how many rules. Rights on the cluster
 * itself are every deployment's on that broker, so they stay: removing them
 * would take them from the other deployments too.
 */
export async function revokeKafkaAccess(admin: Admin, prefix: string): Promise<number> {
  const rules = [...serviceAclRules(prefix), ...consoleDeploymentAclRules(prefix)].filter(
    (rule) => rule.resource !== 'CLUSTER',
  );
  const { filterResponses } = await admin.deleteAcls({ filters: rules.map(kafkaAcl) });
  await untilApplied(admin, rules, false);
  return filterResponses.reduce((removed, response) => removed + response.matchingAcls.length, 0);
}
