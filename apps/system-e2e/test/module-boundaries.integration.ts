import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { repositoryRoot } from '@dtx/testing';
import { ESLint } from 'eslint';

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repositoryRoot() });
  const [result] = await eslint.lintText(code, { filePath: join(repositoryRoot(), file) });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === '@nx/enforce-module-boundaries')
    .map((message) => message.message);
}

describe('Nx module boundaries are enforced by lint', () => {
  before(async () => {
    // The rule reads Nx's cached project graph; computing it here makes the test independent of lint.
    const nx = join(repositoryRoot(), 'node_modules/nx/dist/bin/nx.js');
    await promisify(execFile)(process.execPath, [nx, 'show', 'projects'], {
      cwd: repositoryRoot(),
      env: { ...process.env, NX_DAEMON: 'false' },
    });
  });

  it('a service may not import another service’s data access', async () => {
    const errors = await boundaryErrors(
      'apps/order/src/main.ts',
      "import { createPaymentDatabaseClient } from '@dtx/payment-data-access';\nexport const x = createPaymentDatabaseClient;\n",
    );
    assert.deepEqual(errors, [
      'A project tagged with "scope:order" can only depend on libs tagged with "scope:order", "scope:shared"',
    ]);
  });

  it('a util library may not import a data-access library', async () => {
    const errors = await boundaryErrors(
      'libs/shared/inspection/src/index.ts',
      "import { createKafkaClient } from '@dtx/messaging';\nexport const y = createKafkaClient;\n",
    );
    assert.deepEqual(errors, ['A project tagged with "type:util" can only depend on libs tagged with "type:util"']);
  });

  it('an app may use its own data access and the shared platform', async () => {
    const errors = await boundaryErrors(
      'apps/order/src/main.ts',
      "import { createOrderDatabaseClient } from '@dtx/order-data-access';\nimport { startService } from '@dtx/service-platform';\nexport const z = [createOrderDatabaseClient, startService];\n",
    );
    assert.deepEqual(errors, []);
  });
});
