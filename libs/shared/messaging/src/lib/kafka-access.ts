import kafkajs, { type AclEntry, type Admin } from 'kafkajs';
import { deploymentTopics, inspectorAclRules, serviceAclRules, type AclRule } from './kafka-acls.js';
import { ensureTopics } from './topics.js';

// Only through the default export: Node finds no named export of kafkajs past `logLevel`.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

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

/**
 * Creates the topics of the deployment whose names start with `prefix` and
 * grants each service's user what the ACL table allows it there, and the
 * inspector its read-only rights. Idempotent. `admin` must be a super user's.
 */
export async function grantKafkaAccess(
  admin: Admin,
  prefix: string,
): Promise<{ createdTopics: string[]; rules: number }> {
  const createdTopics = await ensureTopics(
    admin,
    deploymentTopics(prefix).map((topic) => ({ topic })),
  );
  const rules = [...serviceAclRules(prefix), ...inspectorAclRules()];
  await admin.createAcls({ acl: rules.map(kafkaAcl) });
  return { createdTopics, rules: rules.length };
}

/** Removes what `grantKafkaAccess` granted the services in that deployment (not its topics); returns how many rules. */
export async function revokeKafkaAccess(admin: Admin, prefix: string): Promise<number> {
  const { filterResponses } = await admin.deleteAcls({ filters: serviceAclRules(prefix).map(kafkaAcl) });
  return filterResponses.reduce((removed, response) => removed + response.matchingAcls.length, 0);
}
