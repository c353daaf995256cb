import { setTimeout as delay } from 'node:timers/promises';

/** Raised by withTimeout when the work did not settle in time. */
export class TimeoutError extends Error {
  constructor(label: string, timeoutMs: number) {
    super(`${label} did not answer within ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

/** Resolves or rejects like `work`, or rejects with TimeoutError after `timeoutMs`. */
export async function withTimeout<T>(work: Promise<T>, timeoutMs: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(label, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => delay(ms);
