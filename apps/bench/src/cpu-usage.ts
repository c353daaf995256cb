import { cpus } from 'node:os';

interface CpuTimes {
  busy: number;
  total: number;
}

function cpuTimes(): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const { user, nice, sys, idle, irq } = cpu.times;
    busy += user + nice + sys + irq;
    total += user + nice + sys + idle + irq;
  }
  return { busy, total };
}

/** Starts measuring the whole machine's CPU; the returned function gives the busy share (0..1) since then. */
export function startCpuMeasurement(): () => number | null {
  const before = cpuTimes();
  return () => {
    const after = cpuTimes();
    const total = after.total - before.total;
    return total > 0 ? Math.round(((after.busy - before.busy) / total) * 100) / 100 : null;
  };
}
