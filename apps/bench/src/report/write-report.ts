import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchResults } from '../results.js';
import { renderCharts } from './charts.js';
import { markdownReport } from './markdown-report.js';

/** Writes results.json, report.md and the SVG charts it embeds into `folder`; returns the report's path. */
export async function writeReport(results: BenchResults, folder: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  const charts = await renderCharts(results.modes, {
    passP99Ms: results.configuration.passP99Ms,
    targetP99Ms: results.configuration.targets.p99AtHalfLoadMs,
  });
  const complete: BenchResults = {
    ...results,
    files: { report: 'report.md', charts: charts.map((chart) => chart.fileName) },
  };
  for (const chart of charts) {
    await writeFile(join(folder, chart.fileName), chart.svg);
  }
  await writeFile(join(folder, 'results.json'), `${JSON.stringify(complete, null, 2)}\n`);
  const report = join(folder, 'report.md');
  await writeFile(report, markdownReport(complete, charts));
  return report;
}
