import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { ensureLocalKeys, localKeysDirectory } from '@dtx/auth';
import { freePort, SERVICE_NAMES, spawnService, type ServiceName } from '@dtx/testing';

async function exitOf(service: ServiceName, environment: Record<string, string>) {
  const child = spawnService(service, environment);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

const validEnvironment = {
  PORT: '0',
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/orders',
  KAFKA_BROKERS: '127.0.0.1:9092',
};

describe('bad configuration stops a service at start-up, naming the variable', () => {
  for (const service of SERVICE_NAMES) {
    it(`${service}: a missing DATABASE_URL`, async () => {
      const { DATABASE_URL: _omitted, ...environment } = validEnvironment;
      const { code, stderr } = await exitOf(service, environment);
      assert.equal(code, 1);
      assert.match(stderr, /DATABASE_URL: is required/);
    });
  }

  for (const service of SERVICE_NAMES) {
    it(`${service}: no JWKS to check tokens against: it does not start`, async () => {
      const keys = await ensureLocalKeys(localKeysDirectory());
      const { code, stderr } = await exitOf(service, {
        ...validEnvironment,
        PORT: String(await freePort()),
        AUTH_SIGNING_KEY_FILE: keys.privateKeyFile,
      });
      assert.equal(code, 1);
      assert.match(stderr, /AUTH_JWKS_URL: is required/);
    });
  }

  it('malformed values: every bad variable is named in one message', async () => {
    const { code, stderr } = await exitOf('order', {
      ...validEnvironment,
      PORT: '99999',
      KAFKA_BROKERS: 'not a broker list',
      LOG_LEVEL: 'loud',
    });
    assert.equal(code, 1);
    const line = JSON.parse(stderr.trim().split('\n').at(-1) ?? '{}') as {
      level: string;
      problems: { variable: string }[];
    };
    assert.equal(line.level, 'fatal');
    assert.deepEqual(line.problems.map((problem) => problem.variable).sort(), ['KAFKA_BROKERS', 'LOG_LEVEL', 'PORT']);
  });
});
