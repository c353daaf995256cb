import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureLocalKeys, localKeysDirectory } from '@dtx/auth';
import {
  freePort,
  grantKafkaAccess,
  revokeKafkaAccess,
  SERVICE_NAMES,
  serviceDatabaseName,
  startDisposablePostgres,
  startServiceProcess,
  testInfrastructure,
  uniqueName,
  type DisposablePostgres,
  type ServiceProcess,
} from '@dtx/testing';
import { sleep } from '@dtx/util';

interface HealthReport {
  status: 'ok' | 'error';
  details: Record<string, { status: 'up' | 'down'; message?: string }>;
}

/** Where a service finds the keys its callers' tokens are checked against, and signs its own with. */
async function authEnvironment(): Promise<Record<string, string>> {
  const keys = await ensureLocalKeys(localKeysDirectory());
  return { AUTH_JWKS_FILE: keys.jwksFile, AUTH_SIGNING_KEY_FILE: keys.privateKeyFile };
}

async function readiness(service: ServiceProcess): Promise<{ httpStatus: number; report: HealthReport }> {
  const response = await fetch(`${service.baseUrl}/health/ready`, { signal: AbortSignal.timeout(10_000) });
  return { httpStatus: response.status, report: (await response.json()) as HealthReport };
}

async function eventuallyReady(service: ServiceProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const { httpStatus, report } = await readiness(service);
    if (httpStatus === 200) {
      return;
    }
    last = report;
    await sleep(250);
  }
  assert.fail(`not ready within ${timeoutMs} ms: ${JSON.stringify(last)}`);
}

describe('the five services, each its own process, on a PostgreSQL cluster of this suite', () => {
  let postgres: DisposablePostgres;
  const services = new Map<string, ServiceProcess>();
  const topicPrefix = `${uniqueName('ready')}.`;

  before(async () => {
    const { kafkaBrokers, kafkaAccess } = await testInfrastructure();
    await grantKafkaAccess(topicPrefix);
    postgres = await startDisposablePostgres();
    for (const name of SERVICE_NAMES) {
      const port = await freePort();
      services.set(
        name,
        await startServiceProcess(name, {
          PORT: String(port),
          DATABASE_URL: await postgres.databaseUrlAs(`${name}_runtime`, serviceDatabaseName(name)),
          KAFKA_BROKERS: kafkaBrokers.join(','),
          ...(await authEnvironment()),
          KAFKA_TOPIC_PREFIX: topicPrefix,
          ...kafkaAccess.serviceEnvironment(name),
        }),
      );
    }
  });

  after(async () => {
    await Promise.all([...services.values()].map((service) => service.kill()));
    await postgres?.destroy();
    await revokeKafkaAccess(topicPrefix);
  });

  it('each is ready when its database and Kafka answer', async () => {
    for (const [name, service] of services) {
      const { httpStatus, report } = await readiness(service);
      assert.equal(httpStatus, 200, `${name}: ${JSON.stringify(report)}`);
      assert.equal(report.details['database']?.status, 'up');
      assert.equal(report.details['kafka']?.status, 'up');
    }
  });

  it('each serves Prometheus metrics labelled with its name, and its OpenAPI description', async () => {
    for (const [name, service] of services) {
      const metrics = await fetch(`${service.baseUrl}/metrics`);
      assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
      assert.match(await metrics.text(), new RegExp(`process_cpu_user_seconds_total\\{service="${name}"`));
      const docs = await fetch(`${service.baseUrl}/docs`);
      assert.equal(docs.status, 200);
      const openApi = (await (await fetch(`${service.baseUrl}/docs/openapi.json`)).json()) as {
        info: { title: string };
        paths: Record<string, unknown>;
      };
      assert.equal(openApi.info.title, `${name} service`);
      assert.ok(openApi.paths['/health/ready'] && openApi.paths['/metrics']);
    }
  });

  it('none is ready while PostgreSQL is stopped, and all are ready again once it is back', async () => {
    await postgres.stop();
    try {
      for (const [name, service] of services) {
        const { httpStatus, report } = await readiness(service);
        assert.equal(httpStatus, 503, `${name} should not be ready without its database`);
        assert.equal(report.details['database']?.status, 'down');
        assert.equal(report.details['kafka']?.status, 'up');
        const live = await fetch(`${service.baseUrl}/health/live`);
        assert.equal(live.status, 200, `${name} stays live: restarting it would not help`);
      }
    } finally {
      await postgres.start();
    }
    for (const service of services.values()) {
      await eventuallyReady(service, 20_000);
    }
  });

  it('each stops within 10 s of SIGTERM with exit code 0', async () => {
    for (const [name, service] of services) {
      const { code, elapsedMs } = await service.stop();
      assert.equal(code, 0, `${name} exit code\n${service.output()}`);
      assert.ok(elapsedMs < 10_000, `${name} took ${Math.round(elapsedMs)} ms to stop`);
    }
  });
});

describe('a service whose Kafka brokers do not answer', () => {
  let postgres: DisposablePostgres;
  let service: ServiceProcess;

  before(async () => {
    postgres = await startDisposablePostgres();
    service = await startServiceProcess('inventory', {
      PORT: String(await freePort()),
      DATABASE_URL: await postgres.databaseUrlAs('inventory_runtime', 'inventory'),
      KAFKA_BROKERS: `127.0.0.1:${await freePort()}`,
      ...(await authEnvironment()),
    });
  });

  after(async () => {
    await service?.kill();
    await postgres?.destroy();
  });

  it('is live but not ready, and says Kafka is the reason', async () => {
    const { httpStatus, report } = await readiness(service);
    assert.equal(httpStatus, 503);
    assert.equal(report.details['kafka']?.status, 'down');
    assert.equal(report.details['database']?.status, 'up');
    assert.equal((await fetch(`${service.baseUrl}/health/live`)).status, 200);
  });
});
