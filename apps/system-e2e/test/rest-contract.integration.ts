import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { localIssuer } from '@dtx/auth';
import { repositoryRoot, SERVICE_NAMES, startSystem, type RunningSystem, type ServiceName } from '@dtx/testing';

const run = promisify(execFile);
const SCHEMATHESIS = join(repositoryRoot(), 'scripts/schemathesis.sh');
const SETTINGS = join(repositoryRoot(), 'scripts/api-check/schemathesis.toml');

/** Which operations one run leaves out: /admin/* is served on the admin port only, everything else on the service port. */
const skipped = { service: 'include-path-regex', admin: 'exclude-path-regex' } as const;

interface Outcome {
  passed: boolean;
  output: string;
}

/**
 * Schemathesis against every service's OpenAPI document (README, "The REST
 * contract"): every route, every check, bounded by max-examples. A service or a
 * route added later is covered without changing this test.
 */
describe('the REST contract: Schemathesis finds no failures in any service', () => {
  let system: RunningSystem;
  let workDirectory: string;
  let environment: NodeJS.ProcessEnv;

  before(async () => {
    await run('bash', [SCHEMATHESIS, 'install'], { timeout: 600_000 });
    system = await startSystem([...SERVICE_NAMES]);
    workDirectory = await mkdtemp(join(tmpdir(), 'api-check-'));
    const issuer = await localIssuer();
    const ttlSeconds = 3600;
    environment = {
      ...process.env,
      API_CHECK_ADMIN_TOKEN: await issuer.issue({ subject: 'api-check-admin', scopes: ['admin'], ttlSeconds }),
      API_CHECK_CUSTOMER_TOKEN: await issuer.issue({ subject: 'api-check-customer', ttlSeconds }),
      API_CHECK_COORDINATOR_TOKEN: await issuer.issue({
        subject: 'service:coordinator',
        clientId: 'coordinator',
        ttlSeconds,
      }),
      API_CHECK_ORDER_SERVICE_TOKEN: await issuer.issue({ subject: 'service:order', clientId: 'order', ttlSeconds }),
    };
  });
  after(async () => {
    await system?.shutdown();
    if (workDirectory) {
      await rm(workDirectory, { recursive: true, force: true });
    }
  });

  async function schemathesis(service: ServiceName, port: keyof typeof skipped): Promise<Outcome> {
    const settings = join(workDirectory, `${service}-${port}.toml`);
    await writeFile(
      settings,
      `${await readFile(SETTINGS, 'utf8')}\n[[operations]]\n${skipped[port]} = "^/admin/"\nenabled = false\n`,
    );
    const baseUrl = port === 'admin' ? system.adminUrl(service) : system.url(service);
    const args = [SCHEMATHESIS, '--config-file', settings, 'run', `${system.url(service)}/docs/openapi.json`];
    try {
      const { stdout } = await run('bash', [...args, '--url', baseUrl], {
        env: environment,
        timeout: 300_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      return { passed: true, output: stdout };
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; message: string };
      return { passed: false, output: `${failed.stdout ?? ''}${failed.stderr ?? failed.message}` };
    }
  }

  /** The document's routes under /admin, if it has any (fault injection). */
  async function adminRoutes(service: ServiceName): Promise<string[]> {
    const response = await fetch(`${system.url(service)}/docs/openapi.json`);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    return Object.keys(document.paths).filter((path) => path.startsWith('/admin/'));
  }

  /** Schemathesis's warnings and summary, for the test report. */
  const summaryOf = (output: string) => output.slice(Math.max(0, output.indexOf('== WARNINGS =='))).trim();

  for (const service of SERVICE_NAMES) {
    it(`${service}: every route on the service port`, async (context) => {
      const outcome = await schemathesis(service, 'service');
      assert.ok(outcome.passed, `Schemathesis found failures in ${service}:\n${outcome.output}`);
      context.diagnostic(summaryOf(outcome.output));
    });
  }

  // Last: the coordinator's crash points, once armed, kill it at its next transaction.
  for (const service of SERVICE_NAMES) {
    it(`${service}: fault injection on the admin port`, async (context) => {
      if ((await adminRoutes(service)).length === 0) {
        context.skip('no /admin routes');
        return;
      }
      const outcome = await schemathesis(service, 'admin');
      assert.ok(outcome.passed, `Schemathesis found failures in ${service}'s admin routes:\n${outcome.output}`);
      context.diagnostic(summaryOf(outcome.output));
    });
  }
});
