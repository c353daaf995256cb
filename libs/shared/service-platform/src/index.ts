export { DATABASE, KAFKA, type DatabaseClient } from './lib/tokens.js';
export { ServiceLifecycle } from './lib/service-lifecycle.js';
export { ServicePlatformModule, type ServicePlatformOptions } from './lib/service-platform.module.js';
export { startService, type StartServiceOptions } from './lib/start-service.js';
export { MetricsRegistry } from './metrics/metrics-registry.js';
