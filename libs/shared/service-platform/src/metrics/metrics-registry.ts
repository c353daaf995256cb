import { collectDefaultMetrics, Registry } from 'prom-client';

/** The service's Prometheus registry: process metrics plus whatever the service adds. */
export class MetricsRegistry extends Registry {
  constructor(serviceName: string, version: string) {
    super();
    this.setDefaultLabels({ service: serviceName, version });
    collectDefaultMetrics({ register: this });
  }
}
