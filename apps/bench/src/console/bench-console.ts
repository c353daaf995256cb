import { localIssuer } from '@dtx/auth';
import { CONSOLE_USER } from '@dtx/messaging';
import { startConsoleProcess, type RunningSystem, type ServiceProcess } from '@dtx/testing';

/** The console's answer to one page request, timed from the request to the last byte of the page. */
export interface TimedPage {
  status: number;
  ms: number;
  html: string;
}

/** The operator console, started against a benchmark's system, with a signed-in operator's session. */
export interface BenchConsole {
  process: ServiceProcess;
  /** GET of a console path (`/orders/<id>`) with the operator's session cookie. */
  page(path: string): Promise<TimedPage>;
  /** The console's /metrics: the first sample of each name. */
  metrics(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/**
 * Starts the console as its own process, as `npm start` does, on the
 * system's Kafka topics and services, and signs in as an operator with an
 * admin token of the local issuer (the form a person would post).
 */
export async function startBenchConsole(system: RunningSystem): Promise<BenchConsole> {
  const consoleProcess = await startConsoleProcess(system, CONSOLE_USER, {
    LOG_LEVEL: 'error',
    // A full run writes a few hundred thousand messages per mode, more than the console's default
    // bound (100,000): the index would drop the order being measured while it catches up.
    CONSOLE_INDEX_MAX_MESSAGES: '1000000',
    // Where the infrastructure runs Jaeger; otherwise the console's default, as on a developer's machine.
    ...(process.env['TEST_JAEGER_URL'] ? { JAEGER_QUERY_URL: process.env['TEST_JAEGER_URL'] } : {}),
  });
  try {
    const token = await (
      await localIssuer()
    ).issue({ subject: 'bench-operator', scopes: ['admin'], ttlSeconds: 3_600 });
    const cookie = await signIn(consoleProcess.baseUrl, token);
    return {
      process: consoleProcess,
      page: (path) => timedPage(`${consoleProcess.baseUrl}${path}`, cookie),
      metrics: () => firstSamples(`${consoleProcess.baseUrl}/metrics`),
      stop: async () => {
        await consoleProcess.stop();
      },
    };
  } catch (error) {
    await consoleProcess.stop();
    throw error;
  }
}

/** Posts the sign-in form from the console's own origin; returns the session cookie it sets. */
async function signIn(baseUrl: string, token: string): Promise<string> {
  const answer = await fetch(`${baseUrl}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: baseUrl },
    body: new URLSearchParams({ token, next: '/orders' }),
  });
  const session = answer.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0] ?? '')
    .find((cookie) => cookie.startsWith('dtx_console_session='));
  if (answer.status !== 303 || !session) {
    throw new Error(
      `the console refused the operator's sign-in: HTTP ${answer.status}: ${(await answer.text()).slice(0, 300)}`,
    );
  }
  return session;
}

async function timedPage(url: string, cookie: string): Promise<TimedPage> {
  const startedAt = performance.now();
  const answer = await fetch(url, { headers: { cookie }, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  const html = await answer.text();
  return { status: answer.status, ms: performance.now() - startedAt, html };
}

async function firstSamples(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(url, { signal: AbortSignal.timeout(10_000) })).text();
  const samples: Record<string, number> = {};
  for (const [, name, value] of text.matchAll(/^([a-z_]+)(?:\{[^}]*\})? ([0-9.e+-]+)$/gm)) {
    if (name && value) {
      samples[name] ??= Number(value);
    }
  }
  return samples;
}
