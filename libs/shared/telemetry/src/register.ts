/**
 * Preloaded with `node --import @dtx/telemetry/register` so that the SDK and
 * its instrumentations are in place before the application's modules load.
 * OTEL_SERVICE_NAME names the service (the scripts set it).
 */
import { register } from 'node:module';
import { startTelemetry } from './lib/sdk.js';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
startTelemetry({
  name: process.env['OTEL_SERVICE_NAME'] ?? 'unknown-service',
  version: process.env['SERVICE_VERSION'] ?? '0.1.0',
});
