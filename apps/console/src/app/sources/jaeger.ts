import { Inject, Injectable } from '@nestjs/common';
import { jaegerBuildSentence, readJaegerBuildStatus } from '@dtx/telemetry/jaeger-status';
import { errorMessage } from '@dtx/util';
import type { ConsoleConfig } from '../console.config.js';
import { CONSOLE_CONFIG } from '../tokens.js';
import type { JaegerTrace } from '../view-models/jaeger-trace.js';
import { layOutWaterfall, orderIdOfTrace } from '../view-models/waterfall.js';
import type { TraceSection } from '../views/waterfall.js';

const TRACE_ID = /^[0-9a-f]{16,32}$/i;

/** Traces from Jaeger's query API, laid out as waterfalls; says why when there is none. */
@Injectable()
export class Traces {
  constructor(@Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig) {}

  async section(traceId: string | null | undefined): Promise<{ trace: TraceSection; orderId?: string | undefined }> {
    if (!traceId) {
      return { trace: { state: 'none' } };
    }
    if (!TRACE_ID.test(traceId)) {
      return { trace: { state: 'missing', traceId } };
    }
    const building = await this.buildingNotice();
    if (building) {
      return { trace: { state: 'building', notice: building } };
    }
    try {
      const response = await fetch(`${this.config.JAEGER_QUERY_URL}/api/traces/${traceId.toLowerCase()}`, {
        signal: AbortSignal.timeout(this.config.CONSOLE_UPSTREAM_TIMEOUT_MS),
      });
      if (response.status === 404) {
        return { trace: { state: 'missing', traceId } };
      }
      if (!response.ok) {
        return { trace: { state: 'unavailable', message: `its query API answered ${response.status}` } };
      }
      const trace = ((await response.json()) as { data?: JaegerTrace[] }).data?.[0];
      if (!trace || trace.spans.length === 0) {
        return { trace: { state: 'missing', traceId } };
      }
      return { trace: { state: 'shown', waterfall: layOutWaterfall(trace) }, orderId: orderIdOfTrace(trace) };
    } catch (error) {
      return {
        trace: {
          state: 'unavailable',
          message: `${this.config.JAEGER_QUERY_URL} does not answer: ${errorMessage(error)}`,
        },
      };
    }
  }

  /** "building Jaeger, ready in about N minutes" while npm start builds it (JAEGER_STATUS_FILE). */
  private async buildingNotice(): Promise<string | undefined> {
    const status = await readJaegerBuildStatus(this.config.JAEGER_STATUS_FILE ?? '');
    return status?.state === 'building' ? jaegerBuildSentence(status, new Date()) : undefined;
  }
}
