/** The names of a trace's spans marked `saga.compensation`, as Jaeger's query API serves them (none while it has not got the trace). */
export async function compensationSpansOf(jaegerUrl: string, traceId: string): Promise<string[]> {
  const answer = await fetch(`${jaegerUrl}/api/traces/${traceId}`).catch(() => undefined);
  if (!answer?.ok) return [];
  const body = (await answer.json()) as {
    data: { spans: { operationName: string; tags: { key: string; value: unknown }[] }[] }[];
  };
  return body.data
    .flatMap((trace) => trace.spans)
    .filter((span) => span.tags.some((tag) => tag.key === 'saga.compensation' && tag.value === true))
    .map((span) => span.operationName);
}

/** The compensation spans of an orchestrated order declined for payment: the orchestrator's two, the participant's one. */
export const DECLINED_ORCHESTRATION_COMPENSATIONS = [
  'saga create-order compensate reserve-stock',
  'saga create-order compensate create-order',
  'compensate release-stock',
];
