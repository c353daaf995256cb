import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { deadLetterReplaysTopic, deadLetterTopic, Topics } from '@dtx/contracts';
import {
  CONSOLE_USER,
  consoleAclRules,
  INSPECTOR_USER,
  inspectorAclRules,
  SERVICE_KAFKA_ACCESS,
  serviceAclRules,
  type AclRule,
} from '@dtx/messaging';
import { repositoryRoot, RUNTIME_ROLE_SETTINGS, SERVICE_NAMES, type ServiceName } from '@dtx/testing';
import { canConnect, OUTSIDE, selects, type NetworkPolicySpec, type Pod } from './support/network-policies.js';

/*
 * The deployment files (Dockerfile, docker-compose.yml, k8s/) checked offline:
 * scripts/check-deployment.sh validates them against their schemas, then this
 * test checks that they match what the services actually read: the ports of
 * the README's table, the health endpoints, and every variable a service requires, learnt
 * by starting each built service with an empty environment.
 */

const root = repositoryRoot();
const out = join(root, '.local/deploy-check/out');
const overlays = ['dev', 'prod'] as const;
/** The services that consume from Kafka, each with its own dead-letter topic (the coordinator has no consumer yet). */
const consumingServices: readonly ServiceName[] = ['order', 'inventory', 'payment', 'orchestrator'];
/** Services that can run several replicas (see the comments in k8s/base/<service>.yaml). */
const scalableServices: readonly ServiceName[] = ['order', 'inventory', 'payment', 'orchestrator'];

interface Expected {
  port: number;
  database: string;
}

type Json = Record<string, unknown>;

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Json;
  data?: Record<string, string>;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
}

interface Probe {
  httpGet?: { path: string; port: number | string };
}

interface Container {
  name: string;
  image: string;
  command?: string[];
  volumeMounts?: { name: string; mountPath: string }[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
}

interface ComposeService {
  environment?: Record<string, string | null>;
  ports?: { target: number; published?: string; host_ip?: string }[];
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition: string }>;
  command?: string[] | null;
  volumes?: { source?: string; target: string }[];
}

interface PodVolume {
  name: string;
  secret?: { secretName: string; items?: { key: string; path: string }[] };
}

interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: {
    containers: (Container & { volumeMounts?: { name: string; mountPath: string }[] })[];
    volumes?: PodVolume[];
  };
}

/** The settings every runtime role starts with, as ALTER ROLE ... SET statements in a script. */
function runtimeRoleSettingsIn(text: string): Record<string, string> {
  return Object.fromEntries(
    [...text.matchAll(/ALTER ROLE \S+ SET (\w+) = '([^']+)'/g)].map((match) => [match[1] ?? '', match[2] ?? '']),
  );
}

/**
 * The pods an overlay makes, by name: its Deployments', StatefulSets' and Jobs' pod templates,
 * and the pods the operators make from a CloudNativePG Cluster and a Strimzi Kafka.
 */
function podsOf(objects: K8sObject[]): Map<string, Pod> {
  const pods = new Map<string, Pod>();
  for (const object of objects) {
    const spec = object.spec as Record<string, unknown> | undefined;
    if (['Deployment', 'StatefulSet', 'Job'].includes(object.kind)) {
      const template = spec?.['template'] as PodTemplate;
      const ports = Object.fromEntries(
        template.spec.containers.flatMap((container) =>
          (container.ports ?? []).flatMap((port) => (port.name ? [[port.name, port.containerPort]] : [])),
        ),
      );
      pods.set(object.metadata.name, { labels: template.metadata?.labels ?? {}, ports });
    } else if (object.kind === 'Cluster') {
      const inherited = (spec?.['inheritedMetadata'] as { labels?: Record<string, string> } | undefined)?.labels;
      pods.set(object.metadata.name, { labels: { 'cnpg.io/cluster': object.metadata.name, ...inherited } });
    } else if (object.kind === 'Kafka') {
      const kafka = spec?.['kafka'] as { template?: { pod?: { metadata?: { labels?: Record<string, string> } } } };
      pods.set(object.metadata.name, {
        labels: { 'strimzi.io/cluster': object.metadata.name, ...kafka.template?.pod?.metadata?.labels },
      });
    }
  }
  return pods;
}

/** Ports and databases of the README's "Services and ports" table. */
function expectedFromContract(): Map<ServiceName, Expected> {
  const source = join(root, 'README.md');
  const text = readFileSync(source, 'utf8');
  const expected = new Map<ServiceName, Expected>();
  for (const service of SERVICE_NAMES) {
    const row = new RegExp(`^\\|\\s*${service}\\s*\\|\\s*(\\d+)\\s*\\|\\s*\`?([a-z_]+)\`?\\s*\\|`, 'm').exec(text);
    assert.ok(row?.[1] && row[2], `${source} has no table row for ${service}`);
    expected.set(service, { port: Number(row[1]), database: row[2] });
  }
  return expected;
}

/** The variables a service refuses to start without: its fatal configuration line, from an empty environment. */
async function requiredVariables(service: ServiceName): Promise<string[]> {
  const entry = join(root, 'apps', service, 'dist/src/main.js');
  assert.ok(existsSync(entry), `${entry} is missing: build first (npm run build)`);
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env['PATH'] ?? '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 1, `${service} with an empty environment should exit 1, got ${code}:\n${stderr}`);
  const fatal = stderr
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { level?: string; problems?: { variable: string }[] }];
      } catch {
        return [];
      }
    })
    .find((line) => line.level === 'fatal' && Array.isArray(line.problems));
  assert.ok(fatal?.problems, `${service} printed no fatal configuration line:\n${stderr}`);
  return fatal.problems.map((problem) => problem.variable).sort();
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(out, file), 'utf8')) as T;
}

function named<T extends K8sObject>(objects: K8sObject[], kind: string, name: string): T {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  assert.ok(found, `no ${kind} ${name}`);
  return found as T;
}

function podContainer(deployment: K8sObject): Container {
  const spec = deployment.spec as { template: { spec: { containers: Container[] } } };
  const [container] = spec.template.spec.containers;
  assert.ok(container, `${deployment.metadata.name} has no container`);
  return container;
}

/** The environment a container gets: its ConfigMaps' keys and values, then env (with $(VAR) references checked). */
function containerEnvironment(objects: K8sObject[], container: Container): Map<string, string> {
  const environment = new Map<string, string>();
  for (const source of container.envFrom ?? []) {
    assert.ok(
      source.configMapRef,
      `${container.name}: only ConfigMaps may be used with envFrom (secrets are referenced key by key)`,
    );
    const configMap = named(objects, 'ConfigMap', source.configMapRef.name);
    for (const [key, value] of Object.entries(configMap.data ?? {})) environment.set(key, value);
  }
  for (const variable of container.env ?? []) {
    if (variable.valueFrom?.configMapKeyRef) {
      const { name, key } = variable.valueFrom.configMapKeyRef;
      const value = named(objects, 'ConfigMap', name).data?.[key];
      assert.ok(value !== undefined, `${container.name}: ${variable.name} refers to a missing key ${name}.${key}`);
      environment.set(variable.name, value);
    } else if (variable.valueFrom?.secretKeyRef) {
      environment.set(
        variable.name,
        `<secret ${variable.valueFrom.secretKeyRef.name}.${variable.valueFrom.secretKeyRef.key}>`,
      );
    } else {
      const value = (variable.value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (_reference, name: string) => {
        const resolved = environment.get(name);
        assert.ok(
          resolved !== undefined,
          `${container.name}: ${variable.name} refers to $(${name}), which is not defined before it`,
        );
        return resolved;
      });
      environment.set(variable.name, value);
    }
  }
  return environment;
}

function probePort(container: Container, probe: Probe | undefined): number | undefined {
  const port = probe?.httpGet?.port;
  return typeof port === 'number' ? port : container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

/**
 * The other services a service calls (the 2PC protocol), learnt from its
 * config code: each `NAME: serviceUrlVariable('http://127.0.0.1:<port>')`
 * names the variable and, by its default port, the service it must reach.
 */
function peerVariables(
  service: ServiceName,
  expected: Map<ServiceName, Expected>,
): { variable: string; peer: ServiceName; port: number }[] {
  const own = readFileSync(join(root, 'apps', service, `src/app/${service}.config.ts`), 'utf8');
  // A 2PC participant's peer (the coordinator) is declared with the variables every participant shares.
  const shared = readFileSync(join(root, 'libs/shared/config/src/lib/environment-variables.ts'), 'utf8');
  const participantVariables = /export const twoPhaseParticipantVariables = \{[^}]*\};/.exec(shared)?.[0] ?? '';
  const config = own.includes('twoPhaseParticipantVariables') ? `${own}\n${participantVariables}` : own;
  return [...config.matchAll(/(\w+): serviceUrls?Variable\('http:\/\/127\.0\.0\.1:(\d+)'\)/g)].map((match) => {
    const port = Number(match[2]);
    const peer = [...expected].find(([, wanted]) => wanted.port === port)?.[0];
    assert.ok(peer, `${service}: ${match[1]} defaults to port ${port}, which is no service's`);
    return { variable: match[1] ?? '', peer, port };
  });
}

/** A peer URL must name the peer's compose service / Kubernetes Service and its port. */
function assertReachesPeer(
  service: ServiceName,
  variable: string,
  value: string | undefined,
  peer: ServiceName,
  port: number,
): void {
  assert.ok(value, `${service}: ${variable} is not set (its default, 127.0.0.1, is wrong in a container)`);
  const url = new URL(value);
  assert.deepEqual(
    [url.hostname, Number(url.port)],
    [peer, port],
    `${service}: ${variable}=${value} should reach ${peer}:${port}`,
  );
}

/** A KafkaUser's ACLs, one line per operation, in the terms of the ACL table. */
function kafkaUserRules(user: K8sObject): string[] {
  const { acls } = (user.spec as { authorization: { acls: StrimziAcl[] } }).authorization;
  return acls
    .flatMap(({ resource, operations }) =>
      operations.map((operation) =>
        [
          resource.type.toUpperCase(),
          resource.name ?? 'kafka-cluster',
          resource.patternType === 'prefix',
          operation.replace(/(?<=[a-z])(?=[A-Z])/g, '_').toUpperCase(),
        ].join(' '),
      ),
    )
    .sort();
}

interface StrimziAcl {
  resource: { type: string; name?: string; patternType?: string };
  operations: string[];
}

const tableRules = (rules: AclRule[]) =>
  rules.map((rule) => [rule.resource, rule.name, rule.prefixed, rule.operation].join(' ')).sort();

describe('deployment files (Dockerfile, docker-compose.yml, k8s/) match the services', () => {
  let expected: Map<ServiceName, Expected>;
  let required: Map<ServiceName, string[]>;
  let check: { code: number; output: string };

  before(
    async () => {
      expected = expectedFromContract();
      const [checked, ...variables] = await Promise.all([
        promisify(execFile)('bash', [join(root, 'scripts/check-deployment.sh')], {
          cwd: root,
          maxBuffer: 64 * 1024 * 1024,
          timeout: 15 * 60_000,
        })
          .then(({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }))
          .catch((error: { code?: number; stdout?: string; stderr?: string }) => ({
            code: typeof error.code === 'number' ? error.code : 1,
            output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
          })),
        ...SERVICE_NAMES.map((service) => requiredVariables(service)),
      ]);
      check = checked;
      required = new Map(SERVICE_NAMES.map((service, index) => [service, variables[index] ?? []]));
      // A cold first run fetches and compiles the checking tools: minutes, not the usual test timeout.
    },
    { timeout: 15 * 60_000 },
  );

  it('scripts/check-deployment.sh passes: Dockerfile lint, compose schema, every overlay against Kubernetes and CRD schemas', () => {
    assert.equal(check.code, 0, check.output);
    assert.match(check.output, /check-deployment: \d+ passed, 0 failed/);
  });

  it('the required variables are learnt from the services themselves', () => {
    for (const service of SERVICE_NAMES) {
      // Sanity check of the probe, not a fixed list: DATABASE_URL has no default in any service.
      assert.ok(required.get(service)?.includes('DATABASE_URL'), `${service}: ${required.get(service)?.join(', ')}`);
    }
  });

  it('the contract’s ports are the services’ own defaults', () => {
    for (const service of SERVICE_NAMES) {
      const config = readFileSync(join(root, 'apps', service, `src/app/${service}.config.ts`), 'utf8');
      const port = /serviceEnvironmentSchema\((\d+)\)/.exec(config)?.[1];
      assert.equal(Number(port), expected.get(service)?.port, `${service}: default port in code vs the README`);
    }
  });

  describe('docker-compose.yml', () => {
    let services: Record<string, ComposeService>;
    before(() => {
      services = readJson<{ services: Record<string, ComposeService> }>('compose.json').services;
    });

    for (const service of SERVICE_NAMES) {
      it(`${service}: port, HOST, readiness health check, database, every required variable, start order`, () => {
        const { port, database } = expected.get(service) as Expected;
        const definition = services[service];
        assert.ok(definition, `no compose service ${service}`);
        const environment = definition.environment ?? {};
        for (const variable of required.get(service) ?? []) {
          assert.ok(environment[variable], `${service}: required ${variable} is not set in docker-compose.yml`);
        }
        assert.equal(environment['PORT'], String(port));
        assert.equal(environment['HOST'], '0.0.0.0');
        const databaseUrl = new URL(environment['DATABASE_URL'] ?? '');
        assert.equal(databaseUrl.pathname, `/${database}`);
        assert.equal(databaseUrl.username, `${service}_runtime`, `${service} connects as its runtime role`);
        assert.ok(
          definition.ports?.some(
            (mapping) =>
              mapping.target === port && mapping.published === String(port) && mapping.host_ip === '127.0.0.1',
          ),
          `${service}: port ${port} not published as 127.0.0.1:${port}`,
        );
        assert.match(
          (definition.healthcheck?.test ?? []).join(' '),
          new RegExp(`127\\.0\\.0\\.1:${port}/health/ready`),
        );
        assert.equal(definition.depends_on?.['migrate']?.condition, 'service_completed_successfully');
        assert.equal(definition.depends_on?.['kafka']?.condition, 'service_healthy');
      });
    }

    it('2PC peers: the order service reaches the coordinator, the coordinator every participant', () => {
      const peers = SERVICE_NAMES.flatMap((service) =>
        peerVariables(service, expected).map((peer) => ({ service, ...peer })),
      );
      assert.ok(peers.length >= 4, `peer variables found: ${peers.map((peer) => peer.variable).join(', ')}`);
      for (const { service, variable, peer, port } of peers) {
        assertReachesPeer(service, variable, services[service]?.environment?.[variable] ?? undefined, peer, port);
      }
    });

    it('infrastructure: the migration step gets every database as its owner, PostgreSQL allows prepared transactions', () => {
      const migrate = services['migrate']?.environment ?? {};
      for (const service of SERVICE_NAMES) {
        const url = migrate[`${service.toUpperCase()}_MIGRATION_DATABASE_URL`];
        assert.ok(url, `migrate: ${service.toUpperCase()}_MIGRATION_DATABASE_URL`);
        assert.equal(new URL(url).pathname, `/${expected.get(service)?.database}`);
        assert.equal(new URL(url).username, `${service}_owner`);
      }
      assert.equal(services['migrate']?.depends_on?.['postgres']?.condition, 'service_healthy');
      assert.match((services['postgres']?.command ?? []).join(' '), /max_prepared_transactions=[1-9]/);
      for (const infrastructure of ['kafka', 'jaeger', 'kafka-ui', 'demo'])
        assert.ok(services[infrastructure], infrastructure);
      assert.ok(
        services['jaeger']?.ports?.some((mapping) => mapping.target === 16686),
        'Jaeger UI on 16686',
      );
    });

    it('every port is published on 127.0.0.1 only, and the Kafka UI is read-only', () => {
      for (const [name, definition] of Object.entries(services)) {
        for (const mapping of definition.ports ?? []) {
          assert.equal(mapping.host_ip, '127.0.0.1', `${name}: port ${mapping.target} is published on every address`);
        }
      }
      assert.equal(services['kafka-ui']?.environment?.['KAFKA_CLUSTERS_0_READONLY'], 'true');
    });

    it('PostgreSQL makes each service’s roles on first start, with the runtime roles’ timeouts of the harness', () => {
      const postgres = services['postgres'];
      const init = postgres?.volumes?.find((volume) => volume.target.startsWith('/docker-entrypoint-initdb.d/'));
      assert.ok(init?.source?.endsWith('docker/postgres/init-roles.sh'), JSON.stringify(postgres?.volumes));
      for (const service of SERVICE_NAMES) {
        for (const role of ['OWNER', 'RUNTIME']) {
          assert.ok(
            postgres?.environment?.[`${service.toUpperCase()}_${role}_PASSWORD`],
            `${service} ${role} password`,
          );
        }
      }
      const script = readFileSync(join(root, 'docker/postgres/init-roles.sh'), 'utf8');
      assert.deepEqual(runtimeRoleSettingsIn(script), { ...RUNTIME_ROLE_SETTINGS });
      assert.equal(
        readFileSync(join(root, 'k8s/overlays/dev/postgres-init-roles.sh'), 'utf8'),
        script,
        'k8s/overlays/dev/postgres-init-roles.sh is a copy of docker/postgres/init-roles.sh',
      );
    });
  });

  for (const overlay of overlays) {
    describe(`k8s/overlays/${overlay}`, () => {
      let objects: K8sObject[];
      before(() => {
        objects = readJson<K8sObject[]>(`k8s-${overlay}.json`);
      });

      for (const service of SERVICE_NAMES) {
        it(`${service}: ports, probes on /health/live and /health/ready, database, every required variable`, () => {
          const { port, database } = expected.get(service) as Expected;
          const container = podContainer(named(objects, 'Deployment', service));
          assert.ok(
            container.ports?.some((candidate) => candidate.containerPort === port),
            `${service}: containerPort ${port}`,
          );
          const environment = containerEnvironment(objects, container);
          for (const variable of required.get(service) ?? []) {
            assert.ok(environment.get(variable), `${service}: required ${variable} is not set in overlay ${overlay}`);
          }
          assert.equal(environment.get('PORT'), String(port));
          assert.equal(environment.get('HOST'), '0.0.0.0');
          assert.match(environment.get('DATABASE_URL') ?? '', new RegExp(`^postgresql://.+:\\d+/${database}(\\?.*)?$`));
          assert.equal(environment.get('DATABASE_USER'), `<secret dtx-postgres-${service}-runtime.username>`);
          assert.equal(container.livenessProbe?.httpGet?.path, '/health/live');
          assert.equal(container.readinessProbe?.httpGet?.path, '/health/ready');
          assert.equal(probePort(container, container.livenessProbe), port);
          assert.equal(probePort(container, container.readinessProbe), port);
          const serviceSpec = named(objects, 'Service', service).spec as {
            ports: { port: number; targetPort: number | string }[];
          };
          assert.ok(
            serviceSpec.ports.some(
              (candidate) =>
                candidate.port === port &&
                probePort(container, { httpGet: { path: '', port: candidate.targetPort } }) === port,
            ),
            `${service}: Service port ${port} → container port ${port}`,
          );
        });
      }

      it('console: port 3006, probes, every service and Jaeger at their in-cluster addresses, its own Kafka user, no database', () => {
        const container = podContainer(named(objects, 'Deployment', 'console'));
        const environment = containerEnvironment(objects, container);
        assert.ok(container.ports?.some((candidate) => candidate.containerPort === 3006));
        assert.equal(environment.get('PORT'), '3006');
        assert.equal(environment.get('HOST'), '0.0.0.0');
        assert.equal(probePort(container, container.readinessProbe), 3006);
        assert.equal(container.readinessProbe?.httpGet?.path, '/health/ready');
        for (const service of SERVICE_NAMES) {
          const variable = service === 'coordinator' ? 'COORDINATOR_URL' : `${service.toUpperCase()}_SERVICE_URL`;
          assert.equal(environment.get(variable), `http://${service}:${expected.get(service)?.port}`, variable);
        }
        assert.equal(environment.get('JAEGER_QUERY_URL'), 'http://jaeger:16686');
        assert.equal(environment.get('KAFKA_USERNAME'), 'console');
        assert.equal(environment.get('DATABASE_USER'), undefined);
        assert.equal(environment.get('CONSOLE_SECURE_COOKIE'), overlay === 'prod' ? 'true' : 'false');
      });

      it('2PC peers: the order service reaches the coordinator, the coordinator every participant', () => {
        for (const service of SERVICE_NAMES) {
          const environment = containerEnvironment(objects, podContainer(named(objects, 'Deployment', service)));
          for (const { variable, peer, port } of peerVariables(service, expected)) {
            assertReachesPeer(service, variable, environment.get(variable), peer, port);
            named(objects, 'Service', peer);
          }
        }
      });

      it('scaling: HPA and PDB only where scaling out is safe; the coordinator is a single replica', () => {
        for (const service of scalableServices) {
          named(objects, 'HorizontalPodAutoscaler', service);
          named(objects, 'PodDisruptionBudget', service);
        }
        const coordinator = named(objects, 'Deployment', 'coordinator').spec as {
          replicas: number;
          strategy: { type: string };
        };
        assert.equal(coordinator.replicas, 1);
        assert.equal(coordinator.strategy.type, 'Recreate');
        assert.ok(
          !objects.some(
            (object) => object.kind === 'HorizontalPodAutoscaler' && object.metadata.name === 'coordinator',
          ),
        );
      });

      it('a migration Job sets every service database, as its owner, and its runtime role; no Secret is committed', () => {
        const environment = containerEnvironment(objects, podContainer(named(objects, 'Job', 'dtx-migrate')));
        for (const service of SERVICE_NAMES) {
          const prefix = service.toUpperCase();
          assert.match(
            environment.get(`${prefix}_MIGRATION_DATABASE_URL`) ?? '',
            new RegExp(
              `^postgresql://<secret dtx-postgres-${service}-owner.username>:.+/${expected.get(service)?.database}(\\?.*)?$`,
            ),
          );
          assert.equal(environment.get(`${prefix}_RUNTIME_ROLE`), `<secret dtx-postgres-${service}-runtime.username>`);
        }
        assert.deepEqual(
          objects.filter((object) => object.kind === 'Secret').map((object) => object.metadata.name),
          [],
        );
      });

      it('network policies: everything denied but the connections the system uses', () => {
        const policies = objects
          .filter((object) => object.kind === 'NetworkPolicy')
          .map((object) => object.spec as unknown as NetworkPolicySpec);
        const pods = podsOf(objects);
        const pod = (name: string) => {
          const found = pods.get(name);
          assert.ok(found, `no pod ${name}`);
          return found;
        };
        const withRole = (role: string) => {
          const found = [...pods.values()].filter((candidate) => candidate.labels['dtx.io/network-role'] === role);
          assert.equal(found.length, 1, `pods of network role ${role}`);
          return found[0] as Pod;
        };
        const postgres = withRole('postgres');
        const kafka = withRole('kafka');
        const jaeger = pod('jaeger');
        const migrate = pod('dtx-migrate');
        const outside = OUTSIDE;
        const portOf = (service: ServiceName) => expected.get(service)?.port ?? 0;
        const open = (from: Pod | typeof OUTSIDE, to: Pod, port: number, why: string) =>
          assert.ok(canConnect(policies, from, to, port), `should be open: ${why}`);
        const closed = (from: Pod | typeof OUTSIDE, to: Pod, port: number, why: string) =>
          assert.ok(!canConnect(policies, from, to, port), `should be closed: ${why}`);
        const participants: ServiceName[] = ['order', 'inventory', 'payment'];

        open(outside, pod('order'), 3001, 'the REST entry');
        for (const service of SERVICE_NAMES.filter((name) => name !== 'order')) {
          closed(outside, pod(service), portOf(service), `anyone -> ${service}`);
        }
        const operatorConsole = pod('console');
        closed(outside, operatorConsole, 3006, 'the console, from anywhere but the admins’ namespaces');
        for (const service of SERVICE_NAMES) {
          open(operatorConsole, pod(service), portOf(service), `console -> ${service}`);
          closed(pod(service), operatorConsole, 3006, `${service} -> console`);
        }
        open(operatorConsole, kafka, 9092, 'console -> Kafka');
        open(operatorConsole, jaeger, 16686, 'console -> Jaeger query API');
        open(operatorConsole, jaeger, 4318, 'console -> Jaeger OTLP');
        closed(operatorConsole, postgres, 5432, 'console -> PostgreSQL');
        for (const service of SERVICE_NAMES) {
          open(pod(service), postgres, 5432, `${service} -> PostgreSQL`);
          open(pod(service), kafka, 9092, `${service} -> Kafka`);
          open(pod(service), jaeger, 4318, `${service} -> Jaeger OTLP`);
          for (const other of SERVICE_NAMES.filter((name) => name !== service)) {
            const used =
              (service === 'coordinator' && participants.includes(other)) ||
              (service === 'order' && other === 'coordinator');
            (used ? open : closed)(pod(service), pod(other), portOf(other), `${service} -> ${other}`);
          }
        }
        open(migrate, postgres, 5432, 'the migration Job -> PostgreSQL');
        closed(migrate, kafka, 9092, 'the migration Job -> Kafka');
        closed(migrate, pod('order'), 3001, 'the migration Job -> order');
        closed(outside, postgres, 5432, 'anyone -> PostgreSQL');
        closed(outside, kafka, 9092, 'anyone -> Kafka');
        closed(postgres, pod('order'), 3001, 'PostgreSQL -> order');
        closed(jaeger, pod('order'), 3001, 'Jaeger -> order');

        const everyPod = { labels: {} };
        assert.ok(
          policies.some(
            (policy) =>
              selects(policy.podSelector, everyPod.labels) &&
              Object.keys(policy.podSelector).length === 0 &&
              (policy.egress ?? []).some((rule) =>
                rule.ports?.some((port) => port.port === 53 && port.protocol === 'UDP'),
              ),
          ),
          'every pod may ask the cluster DNS',
        );
        const consoleEntry = objects.find(
          (object) => object.kind === 'NetworkPolicy' && object.metadata.name === 'console-from-admins',
        );
        assert.match(JSON.stringify(consoleEntry?.spec), /"dtx.io\/console-access":"true".*"port":3006/);
      });
    });
  }

  describe('k8s/overlays/dev: Kafka with SASL/SCRAM and ACLs', () => {
    let objects: K8sObject[];
    before(() => {
      objects = readJson<K8sObject[]>('k8s-dev.json');
    });

    it('each service signs in as its own user with its password from dtx-kafka-credentials; a Job grants the ACLs as the admin', () => {
      for (const service of SERVICE_NAMES) {
        const environment = containerEnvironment(objects, podContainer(named(objects, 'Deployment', service)));
        assert.equal(environment.get('KAFKA_SASL_MECHANISM'), 'scram-sha-512', service);
        assert.equal(environment.get('KAFKA_USERNAME'), service);
        assert.equal(environment.get('KAFKA_PASSWORD'), `<secret dtx-kafka-credentials.${service}>`);
      }
      const job = podContainer(named(objects, 'Job', 'dtx-kafka-access'));
      assert.match((job.command ?? []).join(' '), /libs\/shared\/messaging\/dist\/src\/cli\/kafka-access\.js$/);
      const environment = containerEnvironment(objects, job);
      assert.equal(environment.get('KAFKA_USERNAME'), 'admin');
      assert.equal(environment.get('KAFKA_PASSWORD'), '<secret dtx-kafka-credentials.admin>');
      const broker = named(objects, 'StatefulSet', 'kafka').spec as {
        template: { spec: { volumes: { name: string; secret?: { secretName: string } }[] } };
      };
      assert.ok(
        broker.template.spec.volumes.some((volume) => volume.secret?.secretName === 'dtx-kafka-credentials'),
        'the broker creates its users from the same Secret',
      );
    });
  });

  describe('k8s/overlays/prod: Kafka and PostgreSQL through operators', () => {
    let objects: K8sObject[];
    before(() => {
      objects = readJson<K8sObject[]>('k8s-prod.json');
    });

    it('Strimzi Kafka in KRaft mode: 3 controllers and 3 brokers, RF 3 and min.insync.replicas 2 by default', () => {
      const pools = objects
        .filter((object) => object.kind === 'KafkaNodePool')
        .map((object) => object.spec as { replicas: number; roles: string[] });
      const nodes = (role: string) =>
        pools.filter((pool) => pool.roles.includes(role)).reduce((sum, pool) => sum + pool.replicas, 0);
      assert.equal(nodes('controller'), 3);
      assert.equal(nodes('broker'), 3);
      const kafka = objects.find((object) => object.kind === 'Kafka')?.spec as {
        kafka: { config: Record<string, unknown> };
      };
      assert.equal(kafka.kafka.config['default.replication.factor'], 3);
      assert.equal(kafka.kafka.config['min.insync.replicas'], 2);
    });

    it('every topic of the contracts is a KafkaTopic with replication factor 3 and min.insync.replicas 2', () => {
      const topics = new Map(
        objects
          .filter((object) => object.kind === 'KafkaTopic')
          .map(
            (object) =>
              object.spec as {
                topicName: string;
                replicas: number;
                partitions: number;
                config: Record<string, unknown>;
              },
          )
          .map((spec) => [spec.topicName, spec]),
      );
      const wanted = [
        ...Object.values(Topics),
        ...consumingServices.map((service) => deadLetterTopic(service)),
        deadLetterReplaysTopic,
      ];
      assert.deepEqual([...topics.keys()].sort(), [...wanted].sort());
      for (const [topic, spec] of topics) {
        assert.equal(spec.replicas, 3, topic);
        assert.equal(spec.partitions, 3, topic);
        assert.equal(spec.config['min.insync.replicas'], 2, topic);
      }
    });

    it('TLS to PostgreSQL: every database URL verifies the server with CloudNativePG’s CA certificate, never its key', () => {
      const workloads = [
        ...SERVICE_NAMES.map((service) => named(objects, 'Deployment', service)),
        named(objects, 'Job', 'dtx-migrate'),
      ];
      for (const workload of workloads) {
        const template = (workload.spec as { template: PodTemplate }).template;
        const [container] = template.spec.containers;
        assert.ok(container);
        const environment = containerEnvironment(objects, container);
        const urls = [...environment].filter(([name]) => name.endsWith('DATABASE_URL')).map(([, url]) => url);
        assert.ok(urls.length > 0, workload.metadata.name);
        for (const url of urls) {
          const parameters = new URL(url.replace(/<[^>]+>/g, 'x')).searchParams;
          assert.equal(parameters.get('sslmode'), 'verify-full', `${workload.metadata.name}: ${url}`);
          const certificate = parameters.get('sslrootcert') ?? '';
          const mount: { name: string; mountPath: string } | undefined = container.volumeMounts?.find((candidate) =>
            certificate.startsWith(`${candidate.mountPath}/`),
          );
          assert.ok(mount, `${workload.metadata.name}: nothing mounted at ${certificate}`);
          const volume: PodVolume | undefined = template.spec.volumes?.find(
            (candidate) => candidate.name === mount?.name,
          );
          assert.equal(volume?.secret?.secretName, 'dtx-postgres-ca');
          assert.deepEqual(volume?.secret?.items, [{ key: 'ca.crt', path: 'ca.crt' }]);
        }
      }
      const cluster = named(objects, 'Cluster', 'dtx-postgres').spec as { postgresql: { pg_hba: string[] } };
      assert.ok(
        cluster.postgresql.pg_hba.some((line) => /^hostnossl\s+all\s+all\s+0\.0\.0\.0\/0\s+reject$/.test(line)),
      );
    });

    it('PostgreSQL roles: an owner and a runtime role per service, passwords from Secrets, owners own the databases', () => {
      const cluster = named(objects, 'Cluster', 'dtx-postgres').spec as {
        managed: { roles: { name: string; login: boolean; passwordSecret: { name: string } }[] };
        bootstrap: { initdb: { database: string; owner: string; secret: { name: string }; postInitSQL: string[] } };
      };
      const roles = new Map(cluster.managed.roles.map((role) => [role.name, role]));
      for (const service of SERVICE_NAMES) {
        for (const kind of ['owner', 'runtime']) {
          const role = roles.get(`${service}_${kind}`);
          assert.equal(role?.login, true, `${service}_${kind}`);
          assert.equal(role?.passwordSecret.name, `dtx-postgres-${service}-${kind}`);
        }
        const postInit = cluster.bootstrap.initdb.postInitSQL.filter((statement) =>
          statement.includes(`${service}_runtime `),
        );
        assert.deepEqual(runtimeRoleSettingsIn(postInit.join('\n')), { ...RUNTIME_ROLE_SETTINGS }, service);
      }
      const owners = new Map([
        [cluster.bootstrap.initdb.database, cluster.bootstrap.initdb.owner],
        ...objects
          .filter((object) => object.kind === 'Database')
          .map((object) => object.spec as { name: string; owner: string })
          .map(({ name, owner }) => [name, owner] as const),
      ]);
      for (const service of SERVICE_NAMES) {
        assert.equal(owners.get(expected.get(service)?.database ?? ''), `${service}_owner`);
      }
      assert.equal(cluster.bootstrap.initdb.secret.name, 'dtx-postgres-order-owner');
    });

    it('backups: WAL archiving to an S3-compatible bucket with credentials from a Secret, a nightly base backup', () => {
      const cluster = named(objects, 'Cluster', 'dtx-postgres').spec as {
        backup: {
          retentionPolicy: string;
          barmanObjectStore: {
            destinationPath: string;
            s3Credentials: Record<string, { name: string; key: string }>;
          };
        };
      };
      assert.match(cluster.backup.barmanObjectStore.destinationPath, /^s3:\/\//);
      assert.ok(cluster.backup.retentionPolicy);
      for (const reference of Object.values(cluster.backup.barmanObjectStore.s3Credentials)) {
        assert.equal(reference.name, 'dtx-postgres-backup-s3');
      }
      const scheduled = objects.filter((object) => object.kind === 'ScheduledBackup');
      assert.equal(scheduled.length, 1);
      const spec = scheduled[0]?.spec as { cluster: { name: string }; method: string; schedule: string };
      assert.equal(spec.cluster.name, 'dtx-postgres');
      assert.equal(spec.method, 'barmanObjectStore');
      assert.equal(spec.schedule.split(' ').length, 6, 'CloudNativePG schedules have a seconds field');
    });

    it('Kafka: one TLS listener with SCRAM-SHA-512 and ACLs; a KafkaUser per service, the inspector and the console, with the ACL table’s rights', () => {
      const kafka = objects.find((object) => object.kind === 'Kafka')?.spec as {
        kafka: {
          listeners: { port: number; tls: boolean; authentication?: { type: string } }[];
          authorization?: { type: string };
        };
      };
      assert.deepEqual(
        kafka.kafka.listeners.map((listener) => [listener.port, listener.tls, listener.authentication?.type]),
        [[9093, true, 'scram-sha-512']],
      );
      assert.equal(kafka.kafka.authorization?.type, 'simple');
      const users = objects.filter((object) => object.kind === 'KafkaUser');
      assert.deepEqual(
        users.map((user) => user.metadata.name).sort(),
        [...Object.keys(SERVICE_KAFKA_ACCESS), INSPECTOR_USER, CONSOLE_USER].sort(),
      );
      for (const user of users) {
        const name = user.metadata.name;
        const expected =
          name === INSPECTOR_USER
            ? inspectorAclRules()
            : name === CONSOLE_USER
              ? consoleAclRules('')
              : serviceAclRules('').filter((rule) => rule.principal === `User:${name}`);
        assert.deepEqual(kafkaUserRules(user), tableRules(expected), name);
        assert.equal((user.spec as { authentication: { type: string } }).authentication.type, 'scram-sha-512');
      }
    });

    it('each service signs in to Kafka as its own user, with the password Strimzi keeps for it, over TLS trusting the cluster CA', () => {
      const kafka = objects.find((object) => object.kind === 'Kafka')?.spec as {
        entityOperator: { userOperator: { secretPrefix: string } };
      };
      const secretPrefix = kafka.entityOperator.userOperator.secretPrefix;
      for (const service of SERVICE_NAMES) {
        const deployment = named(objects, 'Deployment', service);
        const container = podContainer(deployment);
        const environment = containerEnvironment(objects, container);
        assert.equal(environment.get('KAFKA_SASL_MECHANISM'), 'scram-sha-512', service);
        assert.equal(environment.get('KAFKA_USERNAME'), service);
        assert.equal(environment.get('KAFKA_PASSWORD'), `<secret ${secretPrefix}${service}.password>`);
        assert.equal(environment.get('KAFKA_SSL'), 'true');
        assert.match(environment.get('KAFKA_BROKERS') ?? '', /^dtx-kafka-kafka-bootstrap:9093$/);
        const caFile = environment.get('KAFKA_SSL_CA_FILE') ?? '';
        const mount = container.volumeMounts?.find((candidate) => caFile.startsWith(`${candidate.mountPath}/`));
        const volumes = (
          deployment.spec as { template: { spec: { volumes: { name: string; secret?: { secretName: string } }[] } } }
        ).template.spec.volumes;
        assert.equal(
          volumes.find((volume) => volume.name === mount?.name)?.secret?.secretName,
          'dtx-kafka-cluster-ca-cert',
          `${service}: ${caFile} comes from the cluster CA's Secret`,
        );
      }
    });

    it('CloudNativePG cluster with prepared transactions and every service database', () => {
      const cluster = objects.find((object) => object.kind === 'Cluster')?.spec as {
        instances: number;
        postgresql: { parameters: Record<string, string> };
        bootstrap: { initdb: { database: string } };
      };
      assert.ok(cluster.instances >= 3);
      assert.ok(Number(cluster.postgresql.parameters['max_prepared_transactions']) > 0);
      const databases = [
        cluster.bootstrap.initdb.database,
        ...objects
          .filter((object) => object.kind === 'Database')
          .map((object) => (object.spec as { name: string }).name),
      ];
      assert.deepEqual(databases.sort(), SERVICE_NAMES.map((service) => expected.get(service)?.database).sort());
    });
  });
});
