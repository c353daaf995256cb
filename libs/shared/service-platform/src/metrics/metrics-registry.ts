import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * How often the event loop's delay is sampled, in ms. prom-client's default
 * (10) wakes an idle process 100 times a second; on this project's machine
 * that alone was about half of each idle service's CPU.
 */
const EVENT_LOOP_SAMPLING_MS = 100;

/** The service's Prometheus registry: process metrics plus whatever the service adds. */
export class MetricsRegistry extends Registry {
  constructor(serviceName: string, version: string) {
    super();
    this.setDefaultLabels({ service: serviceName, version });
    collectDefaultMetrics({ register: this, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLING_MS });
  }
}
