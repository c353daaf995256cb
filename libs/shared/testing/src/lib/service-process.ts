import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { sleep } from '@dtx/util';
import { repositoryRoot, type ServiceName } from './repository.js';

/** A process the tests start: a service, or the operator console (which has no database). */
export type ProcessName = ServiceName | 'console';

export interface ServiceProcess {
  pid: number;
  baseUrl: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends SIGTERM and waits for the exit; resolves with the exit code and how long it took. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; elapsedMs: number }>;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** Resolves when the process has exited, however it ended. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs a built service (apps/<service>/dist/src/main.js) as its own OS process. */
export function spawnService(service: ProcessName, environment: Record<string, string>): ChildProcess {
  const telemetry = join(repositoryRoot(), 'libs/shared/telemetry/dist/src/register.js');
  const entry = join(repositoryRoot(), 'apps', service, 'dist/src/main.js');
  return spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', '--import', telemetry, entry], {
    // Spans are made but not exported, unless a test points OTEL_* at a collector.
    env: {
      PATH: process.env['PATH'] ?? '',
      LOG_LEVEL: 'warn',
      OTEL_SERVICE_NAME: service,
      OTEL_TRACES_EXPORTER: 'none',
      // For profiling what the tests or the benchmark start, e.g. '--cpu-prof --cpu-prof-dir=/tmp/profiles'.
      ...(process.env['SERVICE_NODE_OPTIONS'] ? { NODE_OPTIONS: process.env['SERVICE_NODE_OPTIONS'] } : {}),
      // For trying a setting on every service, e.g. 'OUTBOX_RELAY_LINGER_MS=5 KAFKA_FETCH_MIN_BYTES=1'.
      ...serviceSettingsFrom(process.env['SERVICE_ENV']),
      ...environment,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** `KEY=value` pairs separated by spaces. */
function serviceSettingsFrom(text: string | undefined): Record<string, string> {
  return Object.fromEntries(
    (text ?? '')
      .split(/\s+/)
      .filter((pair) => pair.includes('='))
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

/** Starts a service and waits until it answers /health/live. */
export async function startServiceProcess(
  service: ProcessName,
  environment: Record<string, string> & { PORT: string },
  options: { startTimeoutMs?: number } = {},
): Promise<ServiceProcess> {
  const child = spawnService(service, environment);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${environment.PORT}`;
  const exited = once(child, 'exit');

  const handle: ServiceProcess = {
    pid: child.pid ?? -1,
    baseUrl,
    output: () => output,
    stop: async () => {
      const startedAt = performance.now();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      return { code: child.exitCode, signal: child.signalCode, elapsedMs: performance.now() - startedAt };
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
    exited: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        await exited;
      }
      return { code: child.exitCode, signal: child.signalCode };
    },
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${service} exited with code ${child.exitCode} during start-up:\n${output}`);
    }
    if (await isService(baseUrl, service)) {
      return handle;
    }
    await sleep(100);
  }
  await handle.kill();
  throw new Error(`${service} did not answer /health/live within the start timeout:\n${output}`);
}

/** The process on that port is this service (not another one that took the port first). */
async function isService(baseUrl: string, service: ProcessName): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/docs/openapi.json`, { signal: AbortSignal.timeout(1_000) });
    return (
      response.ok && ((await response.json()) as { info?: { title?: string } }).info?.title === `${service} service`
    );
  } catch {
    return false;
  }
}
