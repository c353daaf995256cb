import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { sleep } from '@dtx/util';
import { repositoryRoot } from '@dtx/testing';

/*
 * The status file scripts/infra/jaeger.sh keeps while it builds Jaeger
 * (README, "The Jaeger build status file"), which npm start and the operator
 * console read: here with a stand-in for `go` that takes a few seconds, fails,
 * or is stopped half-way, in a state folder of the test's own.
 */

const root = repositoryRoot();
const script = join(root, 'scripts/infra/jaeger.sh');
const run = promisify(execFile);

// Stands in for `go build ... -o <file> <package>`: waits, then writes the file, or fails.
const fakeGo = `#!/usr/bin/env bash
out=""
while [[ $# -gt 0 ]]; do [[ $1 == -o ]] && out=$2; shift; done
sleep "\${FAKE_GO_SECONDS:-1}"
[[ -z \${FAKE_GO_FAIL:-} ]] || { echo "fake go: failing" >&2; exit 1; }
printf '#!/bin/sh\\n' > "$out"
chmod +x "$out"
`;

interface Status {
  state: string;
  startedAt: string;
  expectedSeconds: number;
  finishedAt?: string;
  error?: string;
  pid?: number;
}

describe('the Jaeger build status file', () => {
  let folder: string;
  let environment: NodeJS.ProcessEnv;
  const statusFile = () => join(folder, 'state', 'status.json');
  const status = async (): Promise<Status | undefined> =>
    readFile(statusFile(), 'utf8').then(
      (text) => JSON.parse(text) as Status,
      () => undefined,
    );
  const jaeger = (command: string, extra: NodeJS.ProcessEnv = {}) =>
    run('bash', [script, command], { env: { ...environment, ...extra } }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code?: number; stdout?: string }) => ({ code: error.code ?? -1, stdout: error.stdout ?? '' }),
    );
  const untilState = async (state: string) => {
    const deadline = Date.now() + 20_000;
    while ((await status())?.state !== state) {
      assert.ok(Date.now() < deadline, `no state ${state}; last ${JSON.stringify(await status())}`);
      await sleep(50);
    }
    return (await status()) as Status;
  };
  const forgetBuild = async () => {
    for (const file of await readdir(join(folder, 'state', 'bin'))) {
      if (file.startsWith('.built-')) {
        await unlink(join(folder, 'state', 'bin', file));
      }
    }
  };

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'jaeger-status-'));
    await writeFile(join(folder, 'go'), fakeGo);
    await chmod(join(folder, 'go'), 0o755);
    environment = {
      ...process.env,
      GO: join(folder, 'go'),
      JAEGER_STATE_DIR: join(folder, 'state'),
      JAEGER_STATUS_FILE: join(folder, 'state', 'status.json'),
    };
  });
  after(async () => rm(folder, { recursive: true, force: true }));

  it('says building (with the default estimate and its PID), then ready when built', async () => {
    assert.equal((await jaeger('built')).code, 3);
    assert.equal((await jaeger('estimate')).stdout.trim(), '450');

    const building = jaeger('build', { FAKE_GO_SECONDS: '2' });
    const during = await untilState('building');
    assert.equal(during.expectedSeconds, 450);
    assert.match(during.startedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(typeof during.pid, 'number');
    assert.equal(during.finishedAt, undefined);

    assert.equal((await building).code, 0);
    const done = (await status()) as Status;
    assert.equal(done.state, 'ready');
    assert.equal(done.startedAt, during.startedAt);
    assert.ok(Date.parse(done.finishedAt ?? '') >= Date.parse(done.startedAt));
    assert.equal(done.pid, undefined);
    assert.equal((await jaeger('built')).code, 0);
  });

  it('expects the next build to take as long as the last one did', async () => {
    const last = (await status()) as Status;
    const lasted = (Date.parse(last.finishedAt ?? '') - Date.parse(last.startedAt)) / 1000;
    await forgetBuild();
    assert.equal(Number((await jaeger('estimate')).stdout.trim()), lasted);
  });

  it('says failed, with where to look, when the build fails', async () => {
    const { code } = await jaeger('build', { FAKE_GO_FAIL: '1' });
    assert.notEqual(code, 0);
    const failed = (await status()) as Status;
    assert.equal(failed.state, 'failed');
    assert.match(failed.error ?? '', /go build failed; see .*build\.log/);
    assert.ok(failed.finishedAt);
  });

  it('says failed, not building forever, when the build is stopped by its PID', async () => {
    // As npm start does: the build in a process group of its own, stopped as a group.
    const child = spawn('setsid', ['bash', script, 'build'], {
      env: { ...environment, FAKE_GO_SECONDS: '60' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await untilState('building');
    process.kill(-(child.pid ?? 0), 'SIGTERM');
    await exited;
    const stopped = (await status()) as Status;
    assert.equal(stopped.state, 'failed');
    assert.match(stopped.error ?? '', /stopped before it finished/);
    assert.equal((await jaeger('built')).code, 3);
  });
});
