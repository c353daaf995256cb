import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** A process of the run whose CPU time and memory are measured; `withChildren` counts its children too (PostgreSQL's backends). */
export interface WatchedProcess {
  name: string;
  pid: number;
  withChildren: boolean;
}

/** What one process (with its children) used over a step. */
export interface ProcessUsage {
  name: string;
  /** CPU time, user and system, in milliseconds. */
  cpuMs: number;
  /** The largest resident memory sampled during the step, in MiB (children: their private memory only). */
  peakRssMb: number;
  /**
   * Read and write system calls over the step (`syscr` + `syscw` of
   * /proc/<pid>/io): one pair per request answered on a socket read with
   * read(2) and written with write(2) or writev(2), as Node.js and Java do.
   * PostgreSQL's backends use recv(2) and send(2), which it does not count.
   */
  readWriteCalls: number;
}

const TICKS_PER_SECOND = clockTicks();
const SAMPLE_INTERVAL_MS = 500;

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
}

interface Stat {
  parent: number;
  /** utime + stime: this process's own CPU time, in ticks. */
  ownTicks: number;
  /** cutime + cstime: the CPU time of its children that have exited and been waited for. */
  reapedChildrenTicks: number;
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces): state is field 3. */
function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const field = (number: number) => Number(fields[number - 3]);
    return { parent: field(4), ownTicks: field(14) + field(15), reapedChildrenTicks: field(16) + field(17) };
  } catch {
    return undefined; // the process has exited
  }
}

/** VmRSS or RssAnon of /proc/<pid>/status, in KiB. */
function residentKb(pid: number, line: 'VmRSS' | 'RssAnon'): number {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${line}:\\s+(\\d+) kB`, 'm'));
    return Number(match?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** syscr + syscw of /proc/<pid>/io: every read and write system call of the process's threads, live and exited. */
function readWriteCallsOf(pid: number): number {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const field = (name: string) => Number(io.match(new RegExp(`^${name}:\\s+(\\d+)`, 'm'))?.[1] ?? 0);
    return field('syscr') + field('syscw');
  } catch {
    return 0; // the process has exited, or its counters are not readable
  }
}

function childrenOf(parents: Set<number>): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && parents.has(readStat(pid)?.parent ?? -1)) {
      children.push(pid);
    }
  }
  return children;
}

/** Total CPU ticks of a process and, if asked, of its children: live ones, and exited ones it has waited for. */
function cpuTicks(process: WatchedProcess, children: readonly number[]): number {
  const root = readStat(process.pid);
  if (!root) {
    return 0;
  }
  if (!process.withChildren) {
    return root.ownTicks;
  }
  let ticks = root.ownTicks + root.reapedChildrenTicks;
  for (const child of children) {
    const stat = readStat(child);
    ticks += stat ? stat.ownTicks + stat.reapedChildrenTicks : 0;
  }
  return ticks;
}

/** Read and write calls of a process and, if asked, of its live children. */
function readWriteCalls(process: WatchedProcess, children: readonly number[]): number {
  const own = readWriteCallsOf(process.pid);
  return process.withChildren ? children.reduce((sum, child) => sum + readWriteCallsOf(child), own) : own;
}

/**
 * Measures, from /proc, the CPU time each watched process (and its children)
 * uses between `start()` and `stop()`, and samples their resident memory
 * meanwhile. CPU time is what a shared machine moves least: it does not
 * depend on how long the work waited for a core.
 */
export class ProcessUsageMeter {
  private readonly startTicks = new Map<string, number>();
  private readonly startCalls = new Map<string, number>();
  private readonly peakKb = new Map<string, number>();
  private sampler: NodeJS.Timeout | undefined;

  constructor(private readonly processes: readonly WatchedProcess[]) {}

  start(): void {
    const children = this.children();
    for (const process of this.processes) {
      this.startTicks.set(process.name, cpuTicks(process, children));
      this.startCalls.set(process.name, readWriteCalls(process, children));
    }
    this.sample();
    this.sampler = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
  }

  stop(): ProcessUsage[] {
    clearInterval(this.sampler);
    this.sample();
    const children = this.children();
    return this.processes.map((process) => ({
      name: process.name,
      cpuMs: Math.round(
        ((cpuTicks(process, children) - (this.startTicks.get(process.name) ?? 0)) * 1000) / TICKS_PER_SECOND,
      ),
      peakRssMb: Math.round((this.peakKb.get(process.name) ?? 0) / 102.4) / 10,
      readWriteCalls: readWriteCalls(process, children) - (this.startCalls.get(process.name) ?? 0),
    }));
  }

  private children(): number[] {
    const parents = new Set(this.processes.filter((process) => process.withChildren).map((process) => process.pid));
    return parents.size > 0 ? childrenOf(parents) : [];
  }

  private sample(): void {
    const children = this.children();
    for (const process of this.processes) {
      let kb = residentKb(process.pid, 'VmRSS');
      if (process.withChildren) {
        for (const child of children) {
          if (readStat(child)?.parent === process.pid) {
            kb += residentKb(child, 'RssAnon');
          }
        }
      }
      this.peakKb.set(process.name, Math.max(this.peakKb.get(process.name) ?? 0, kb));
    }
  }
}
