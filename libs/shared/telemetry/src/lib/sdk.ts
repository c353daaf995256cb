import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { tracedLibraries } from './instrumentations.js';

let provider: TracerProvider | undefined;

/**
 * Starts tracing: W3C trace context, spans kept in async context, the http
 * and pg instrumentations, and OTLP/HTTP export configured by the standard
 * variables (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_EXPORTER=otlp|none,
 * OTEL_SDK_DISABLED, OTEL_BSP_SCHEDULE_DELAY). Only the trace SDK is loaded,
 * which keeps start-up fast.
 */
export function startTelemetry(service: { name: string; version: string }): void {
  if (provider || process.env['OTEL_SDK_DISABLED'] === 'true') {
    return;
  }
  const exporting = (process.env['OTEL_TRACES_EXPORTER'] ?? 'otlp') !== 'none';
  provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: service.name, [ATTR_SERVICE_VERSION]: service.version }),
    spanProcessors: exporting
      ? [
          new BatchSpanProcessor({
            exporter: new OTLPTraceExporter(),
            scheduledDelayMillis: Number(process.env['OTEL_BSP_SCHEDULE_DELAY'] ?? 1000),
          }),
        ]
      : [],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({ tracerProvider: provider, instrumentations: tracedLibraries() });
}

/**
 * Flushes spans not yet exported and stops tracing; call before the process
 * exits. Gives up after `timeoutMs`: with no collector listening (Jaeger not
 * started, or still building) the exporter retries each batch for up to 10 s,
 * longer than a service may take to shut down.
 */
export async function shutdownTelemetry(timeoutMs = 2000): Promise<void> {
  const running = provider;
  provider = undefined;
  if (!running) {
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const givenUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  await Promise.race([running.shutdown().catch(() => undefined), givenUp]);
  clearTimeout(timer);
}
