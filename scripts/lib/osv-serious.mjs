// The high and critical advisories of production dependencies in an osv-scanner JSON report
// (scripts/dependency-audit.sh): prints them, exits 1 if there are any, 0 otherwise.
// Severity: GitHub's rating where the advisory has one, else the highest CVSS base score (7.0 and up).
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const packages = (report.results ?? []).flatMap((result) => result.packages ?? []);
// Only what npm would leave out with --omit=dev: packages needed by dev dependencies alone.
const devOnly = (entry) => {
  const groups = entry.dependency_groups ?? [];
  return groups.length > 0 && groups.every((group) => group === 'dev');
};
const production = packages.filter((entry) => !devOnly(entry));

const serious = production.flatMap((entry) =>
  (entry.groups ?? []).flatMap((group) => {
    const advisories = (entry.vulnerabilities ?? []).filter((advisory) => group.ids.includes(advisory.id));
    const rated = advisories.map((advisory) => advisory.database_specific?.severity).find(Boolean);
    const score = Number.parseFloat(group.max_severity ?? '');
    const severity = rated ? rated.toLowerCase() : score >= 9 ? 'critical' : score >= 7 ? 'high' : 'lower';
    return ['high', 'critical'].includes(severity)
      ? [`${severity}: ${entry.package.name} ${entry.package.version} (${group.ids.join(', ')})`]
      : [];
  }),
);
const advisories = production.reduce((sum, entry) => sum + (entry.groups ?? []).length, 0);
for (const line of serious) console.log(`dependency-audit: ${line}`);
console.log(
  `dependency-audit: osv-scanner, ${production.length} production package(s) with advisories, ${advisories} advisory group(s), ${serious.length} high or critical`,
);
process.exit(serious.length > 0 ? 1 : 0);
