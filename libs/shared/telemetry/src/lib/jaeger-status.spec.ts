import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  jaegerBuildSentence,
  minutesUntilBuilt,
  parseJaegerBuildStatus,
  readJaegerBuildStatus,
  type JaegerBuildStatus,
} from './jaeger-status.js';

const building: JaegerBuildStatus = { state: 'building', startedAt: '2026-12-05T22:00:00Z', expectedSeconds: 450 };
const at = (time: string) => new Date(`2026-12-05T${time}Z`);

describe('the Jaeger build status file', () => {
  it('reads what jaeger.sh writes, in each state', () => {
    assert.deepEqual(
      parseJaegerBuildStatus(
        '{"state":"building","startedAt":"2026-12-05T22:00:00Z","expectedSeconds":450,"pid":123}\n',
      ),
      building,
    );
    assert.deepEqual(
      parseJaegerBuildStatus(
        '{"state":"ready","startedAt":"2026-12-05T22:00:00Z","expectedSeconds":450,"finishedAt":"2026-12-05T22:07:29Z"}',
      ),
      { ...building, state: 'ready', finishedAt: '2026-12-05T22:07:29Z' },
    );
    assert.deepEqual(
      parseJaegerBuildStatus(
        '{"state":"failed","startedAt":"2026-12-05T22:00:00Z","expectedSeconds":450,"finishedAt":"2026-12-05T22:01:00Z","error":"go build failed"}',
      ),
      { ...building, state: 'failed', finishedAt: '2026-12-05T22:01:00Z', error: 'go build failed' },
    );
  });

  it('is no status when it is half written, of an unknown state, or without its start', () => {
    assert.equal(parseJaegerBuildStatus('{"state":"buil'), undefined);
    assert.equal(
      parseJaegerBuildStatus('{"state":"paused","startedAt":"2026-12-05T22:00:00Z","expectedSeconds":1}'),
      undefined,
    );
    assert.equal(parseJaegerBuildStatus('{"state":"building","expectedSeconds":1}'), undefined);
    assert.equal(parseJaegerBuildStatus('{"state":"building","startedAt":"soon","expectedSeconds":1}'), undefined);
    assert.equal(parseJaegerBuildStatus('null'), undefined);
  });

  it('is read from JAEGER_STATUS_FILE, and missing when the file is, or none is named', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'jaeger-status-'));
    try {
      const file = join(folder, 'status.json');
      assert.equal(await readJaegerBuildStatus(file), undefined);
      await writeFile(file, JSON.stringify(building));
      assert.deepEqual(await readJaegerBuildStatus(file), building);
      assert.equal(await readJaegerBuildStatus(''), undefined);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('how long Jaeger still builds', () => {
  it('counts down from the expected duration in whole minutes, never below one', () => {
    assert.equal(minutesUntilBuilt(building, at('22:00:00')), 8);
    assert.equal(minutesUntilBuilt(building, at('22:05:00')), 3);
    assert.equal(minutesUntilBuilt(building, at('22:07:00')), 1);
    assert.equal(minutesUntilBuilt(building, at('22:30:00')), 1);
  });

  it('says so while building, says a failed build failed, and nothing once built', () => {
    assert.equal(jaegerBuildSentence(building, at('22:00:00')), 'traces: building Jaeger, ready in about 8 minutes');
    assert.equal(jaegerBuildSentence(building, at('22:07:00')), 'traces: building Jaeger, ready in about 1 minute');
    assert.equal(
      jaegerBuildSentence({ ...building, state: 'failed', error: 'go build failed' }, at('22:01:00')),
      'traces: the Jaeger build failed (go build failed); no traces are kept',
    );
    assert.equal(jaegerBuildSentence({ ...building, state: 'ready' }, at('22:08:00')), undefined);
    assert.equal(jaegerBuildSentence(undefined, at('22:08:00')), undefined);
  });
});
