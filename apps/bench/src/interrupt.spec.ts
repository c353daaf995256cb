import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

const interruptModule = new URL('./interrupt.js', import.meta.url).href;

/** Runs `failure` in a process that installed the handlers and registered a cleanup, and reports how it ended. */
function runCrashing(failure: string) {
  const script = `
    import { installInterruptHandlers, onInterrupt } from ${JSON.stringify(interruptModule)};
    installInterruptHandlers();
    onInterrupt(async () => console.log('services stopped'));
    setTimeout(() => { ${failure} }, 10);
    setTimeout(() => console.log('still running'), 5_000);
  `;
  return spawnSync(process.execPath, ['--input-type=module', '--eval', script], { encoding: 'utf8', timeout: 10_000 });
}

describe('the benchmark on a crash', () => {
  it('stops what it started and exits 1 on an error nothing handled', () => {
    const run = runCrashing(`throw new Error('connection ended by the server')`);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, 'services stopped\n');
    assert.match(run.stderr, /crashed \(connection ended by the server\): stopping the services/);
  });

  it('stops what it started and exits 1 on a promise rejected with nothing to catch it', () => {
    const run = runCrashing(`void Promise.reject(new Error('lost'))`);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, 'services stopped\n');
    assert.match(run.stderr, /crashed \(lost\)/);
  });
});
