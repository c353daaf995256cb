import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repositoryRoot } from '@dtx/testing';
import { errorMessage } from '@dtx/util';
import { formatChaosReport } from './chaos-report.js';
import { FULL_RUN, runChaos, SMOKE_RUN, type ChaosSettings } from './chaos-run.js';

const usage = `usage: npm run chaos -- [--smoke] [--place-seconds N] [--rate N] [--down-seconds N] [--out DIR]

Places orders in all three modes at a steady rate (20% declined, 10% out of
stock) against two replicas of order, inventory, payment and the orchestrator,
while it kills and restarts one replica of each in turn, the coordinator, the
Kafka broker and PostgreSQL. Then it waits for every order to be final, audits
every database and prints the report (also written to DIR, by default
results/chaos/<time>/). Exit code 1 if the run found anything wrong.

  --smoke            about a minute and a half, every fault once (what CI runs)
  --place-seconds N  how long orders are placed (default ${FULL_RUN.placeSeconds}; smoke ${SMOKE_RUN.placeSeconds})
  --rate N           orders per second, all modes together (default ${FULL_RUN.ordersPerSecond})
  --down-seconds N   how long each fault lasts before the restart (default ${FULL_RUN.downSeconds}; smoke ${SMOKE_RUN.downSeconds})`;

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) {
    return fallback;
  }
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    throw new Error(`--${name} must be a positive number, not '${value}'`);
  }
  return number;
}

function settingsOf(argv: string[]): { settings: ChaosSettings; out: string | undefined } | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      smoke: { type: 'boolean', default: false },
      'place-seconds': { type: 'string' },
      rate: { type: 'string' },
      'down-seconds': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    return 'help';
  }
  const base = values.smoke ? SMOKE_RUN : FULL_RUN;
  return {
    settings: {
      ...base,
      placeSeconds: positive('place-seconds', values['place-seconds'], base.placeSeconds),
      ordersPerSecond: positive('rate', values.rate, base.ordersPerSecond),
      downSeconds: positive('down-seconds', values['down-seconds'], base.downSeconds),
    },
    out: values.out,
  };
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = settingsOf(process.argv.slice(2));
  } catch (error) {
    console.error(`${errorMessage(error)}\n\n${usage}`);
    return 2;
  }
  if (parsed === 'help') {
    console.log(usage);
    return 0;
  }
  const log = (line: string) => console.error(`chaos: ${line}`);
  const report = await runChaos(parsed.settings, log);
  const text = formatChaosReport(report);
  const folder = resolve(parsed.out ?? join(repositoryRoot(), 'results/chaos', report.startedAt.replace(/[:.]/g, '-')));
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'report.md'), `${text}\n`);
  await writeFile(join(folder, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(text);
  log(`report written to ${folder}`);
  return report.failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();
