import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repositoryRoot, type RunningSystem, type ServiceName } from '@dtx/testing';
import { sleep } from '@dtx/util';

const run = promisify(execFile);

/** One fault: something killed or stopped, then brought back. */
export interface Fault {
  name: string;
  inject(): Promise<void>;
  recover(): Promise<void>;
}

/** A fault as it happened: from the moment it was injected to the moment what it broke was back. */
export interface InjectedFault {
  name: string;
  startedAt: number;
  endedAt: number;
}

/** The project's own infrastructure commands (README, "Quick start"), as an operator would type them. */
async function infrastructure(script: string, ...args: string[]): Promise<void> {
  await run('bash', [join(repositoryRoot(), 'scripts', script), ...args], {
    cwd: repositoryRoot(),
    // Jaeger is not part of what a chaos run restarts; left as it is.
    env: { ...process.env, INFRA_JAEGER: 'off' },
  });
}

/** Fails unless PostgreSQL and Kafka are the local processes the project's scripts manage (those are what it restarts). */
export async function requireLocalInfrastructure(): Promise<void> {
  try {
    await infrastructure('infra/postgres.sh', 'status');
    await infrastructure('infra/kafka.sh', 'status');
  } catch {
    throw new Error('the chaos run restarts the local PostgreSQL and Kafka: start them with npm run infra:up');
  }
}

/** SIGKILL one replica, as a crash would; start it again on the same port. */
export function replicaCrash(system: RunningSystem, service: ServiceName, replica: number): Fault {
  return {
    name: `SIGKILL ${service} replica ${replica}, restart`,
    inject: () => system.kill(service, replica),
    recover: () => system.restart(service, replica),
  };
}

/** SIGKILL the coordinator (one process), start it again: it finishes the transactions in its log. */
export function coordinatorCrash(system: RunningSystem): Fault {
  return { ...replicaCrash(system, 'coordinator', 1), name: 'SIGKILL the coordinator, restart' };
}

/** SIGKILL the broker, then `npm run infra:up`. */
export const brokerCrash: Fault = {
  name: 'SIGKILL the Kafka broker, restart (infra:up)',
  inject: () => infrastructure('infra/kafka.sh', 'kill'),
  recover: () => infrastructure('infra.sh', 'up'),
};

/** A fast shutdown of PostgreSQL (every connection dropped, in-flight transactions rolled back), then `npm run infra:up`. */
export const databaseRestart: Fault = {
  name: 'PostgreSQL fast shutdown, restart (infra:up)',
  inject: () => infrastructure('infra/postgres.sh', 'down'),
  recover: () => infrastructure('infra.sh', 'up'),
};

/** The faults of a chaos run, in the order they are injected. */
export function chaosFaults(system: RunningSystem): Fault[] {
  return [
    replicaCrash(system, 'inventory', 1),
    replicaCrash(system, 'payment', 2),
    replicaCrash(system, 'order', 1),
    replicaCrash(system, 'orchestrator', 2),
    coordinatorCrash(system),
    brokerCrash,
    databaseRestart,
  ];
}

/**
 * Injects the faults one after the other, the first at `firstAt` and then one
 * every `spacingMs` (or as soon as the one before has recovered), each left
 * down for `downMs` before its recovery.
 */
export async function runFaults(
  faults: Fault[],
  schedule: { firstAt: number; spacingMs: number; downMs: number },
  log: (line: string) => void,
): Promise<InjectedFault[]> {
  const injected: InjectedFault[] = [];
  for (const [index, fault] of faults.entries()) {
    await sleep(Math.max(0, schedule.firstAt + index * schedule.spacingMs - Date.now()));
    const startedAt = Date.now();
    log(`fault: ${fault.name}`);
    await fault.inject();
    await sleep(schedule.downMs);
    await fault.recover();
    const endedAt = Date.now();
    log(`fault: ${fault.name}: back after ${((endedAt - startedAt) / 1000).toFixed(1)} s`);
    injected.push({ name: fault.name, startedAt, endedAt });
  }
  return injected;
}
