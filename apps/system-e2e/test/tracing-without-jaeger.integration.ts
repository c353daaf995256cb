import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sleep } from '@dtx/util';
import { freePort, repositoryRoot, startSpanCollector, type SpanCollector } from '@dtx/testing';
import { eventually } from './support/shop-client.js';

/*
 * npm start on a first run starts the services before Jaeger is built: their
 * OTLP exporter (the SDK every service preloads) must neither crash, nor log,
 * nor hold up the process while nothing listens, and must deliver the spans
 * made once the collector is there.
 */

const root = repositoryRoot();
// A process that preloads the services' telemetry and makes one span every 100 ms, saying so on stdout.
const ticking = `
import { trace } from '@opentelemetry/api';
let tick = 0;
setInterval(() => {
  tick++;
  trace.getTracer('late-collector').startSpan('tick ' + tick, { attributes: { tick } }).end();
  console.log('tick ' + tick);
}, 100);
`;

describe('tracing while the collector is absent, then present', () => {
  let port: number;
  let child: ChildProcess;
  let collector: SpanCollector | undefined;
  let stdout = '';
  let stderr = '';
  const ticks = () => stdout.match(/^tick \d+$/gm)?.length ?? 0;

  before(async () => {
    port = await freePort();
    child = spawn(
      process.execPath,
      ['--import', join(root, 'libs/shared/telemetry/dist/src/register.js'), '--input-type=module', '-e', ticking],
      {
        cwd: root,
        env: {
          ...process.env,
          OTEL_SERVICE_NAME: 'late-collector',
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_BSP_SCHEDULE_DELAY: '100',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  });
  after(async () => {
    child?.kill('SIGTERM');
    await collector?.stop();
  });

  it('keeps running, silent and unblocked, while nothing listens', async () => {
    await sleep(3000);
    assert.equal(child.exitCode, null, `exited with ${child.exitCode}: ${stderr}`);
    assert.ok(ticks() >= 15, `only ${ticks()} spans made in 3 s`);
    assert.equal(stderr, '');
  });

  it('delivers the spans made after the collector starts', async () => {
    collector = await startSpanCollector(port);
    const ticksAtStart = ticks();
    const arrived = await eventually(
      async () => collector?.spans() ?? [],
      (spans) => spans.some((span) => Number(span.attributes['tick']) > ticksAtStart + 5),
      20_000,
    );
    assert.ok(arrived.every((span) => span.service === 'late-collector'));
    assert.equal(child.exitCode, null);
    assert.equal(stderr, '');
  });
});
