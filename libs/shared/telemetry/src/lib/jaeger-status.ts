import { readFile } from 'node:fs/promises';

/**
 * What scripts/infra/jaeger.sh writes to JAEGER_STATUS_FILE while it builds
 * the local Jaeger (README, "The Jaeger build status file"). `ready` means
 * built: whether Jaeger runs is another question, asked of its query port.
 */
export interface JaegerBuildStatus {
  state: 'building' | 'ready' | 'failed';
  /** UTC, ISO 8601. */
  startedAt: string;
  expectedSeconds: number;
  finishedAt?: string;
  error?: string;
}

const states = new Set(['building', 'ready', 'failed']);

/** The status in the file's text, or undefined when the text is not one. */
export function parseJaegerBuildStatus(text: string): JaegerBuildStatus | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const { state, startedAt, expectedSeconds, finishedAt, error } = value as Record<string, unknown>;
  if (typeof state !== 'string' || !states.has(state) || typeof startedAt !== 'string') {
    return undefined;
  }
  if (typeof expectedSeconds !== 'number' || Number.isNaN(Date.parse(startedAt))) {
    return undefined;
  }
  return {
    state: state as JaegerBuildStatus['state'],
    startedAt,
    expectedSeconds,
    ...(typeof finishedAt === 'string' ? { finishedAt } : {}),
    ...(typeof error === 'string' ? { error } : {}),
  };
}

/** The status in JAEGER_STATUS_FILE (or `file`); undefined when there is none (no build since the clone, or not readable). */
export async function readJaegerBuildStatus(
  file: string | undefined = process.env['JAEGER_STATUS_FILE'],
): Promise<JaegerBuildStatus | undefined> {
  if (!file) {
    return undefined;
  }
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseJaegerBuildStatus(text);
}

/** Whole minutes the build still needs by its estimate, at least 1 (an estimate, not a promise). */
export function minutesUntilBuilt(status: JaegerBuildStatus, now: Date): number {
  const elapsedSeconds = (now.getTime() - Date.parse(status.startedAt)) / 1000;
  return Math.max(1, Math.ceil((status.expectedSeconds - elapsedSeconds) / 60));
}

/**
 * The sentence npm start prints while Jaeger builds (`traces: building Jaeger,
 * ready in about N minutes`), or after a failed build; undefined once built.
 */
export function jaegerBuildSentence(status: JaegerBuildStatus | undefined, now: Date): string | undefined {
  if (status?.state === 'building') {
    const minutes = minutesUntilBuilt(status, now);
    return `traces: building Jaeger, ready in about ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
  }
  if (status?.state === 'failed') {
    return `traces: the Jaeger build failed${status.error ? ` (${status.error})` : ''}; no traces are kept`;
  }
  return undefined;
}
