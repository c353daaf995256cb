/** Latency percentiles in milliseconds; null when there was nothing to measure. */
export interface LatencySummary {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
  mean: number | null;
}

/** Nearest-rank percentile of an ascending array (exact: counts are bounded, so no histogram is needed). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) {
    return null;
  }
  // The epsilon keeps binary fractions (99.9 / 100) from pushing an exact rank up by one.
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100 - 1e-9));
  return sorted[Math.min(sorted.length, rank) - 1] ?? null;
}

const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);

/** p50, p95, p99, p99.9, max and mean of the given latencies, rounded to 0.1 ms. */
export function summarizeLatencies(latencies: readonly number[]): LatencySummary {
  const sorted = [...latencies].sort((left, right) => left - right);
  const mean = sorted.length === 0 ? null : sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    p999: round(percentile(sorted, 99.9)),
    max: round(sorted.at(-1) ?? null),
    mean: round(mean),
  };
}
