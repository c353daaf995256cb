import { tracedLibraries } from './instrumentations.js';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

let sdk: NodeSDK | undefined;

/**
 * Starts the OpenTelemetry Node SDK: http and pg instrumentations, W3C trace
 * context, OTLP export configured by the standard OTEL_* variables
 * (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_EXPORTER, OTEL_SDK_DISABLED, ...).
 */
export function startTelemetry(service: { name: string; version: string }): void {
  if (sdk || process.env['OTEL_SDK_DISABLED'] === 'true') {
    return;
  }
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: service.name, [ATTR_SERVICE_VERSION]: service.version }),
    instrumentations: tracedLibraries(),
  });
  sdk.start();
}

/** Flushes spans not yet exported and stops the SDK; call before the process exits. */
export async function shutdownTelemetry(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown().catch(() => undefined);
}
