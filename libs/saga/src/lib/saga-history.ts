import type { StepDefinition } from './saga-definition.js';
import type { SagaContext, SagaInstance, StepKind, StepRecord, StepStatus } from './saga-instance.js';

/** Updates the history line of (step, kind), or adds it. */
export function recordStep<Data>(
  instance: SagaInstance<Data>,
  step: StepDefinition<Data>,
  kind: StepKind,
  status: StepStatus,
  context: SagaContext,
  outcome?: string,
  attempts?: number,
): SagaInstance<Data> {
  const at = new Date(context.now).toISOString();
  const existing = instance.history.find((line) => line.name === step.name && line.kind === kind);
  const ended = status === 'SUCCEEDED' || status === 'FAILED' || status === 'TIMED_OUT';
  const line: StepRecord = {
    name: step.name,
    kind,
    status,
    attempts: attempts ?? existing?.attempts ?? 1,
    startedAt: existing?.startedAt ?? at,
    endedAt: ended ? at : null,
    ...((outcome ?? existing?.outcome) ? { outcome: outcome ?? existing?.outcome } : {}),
    ...(step.group !== undefined && kind === 'action' ? { group: step.group } : {}),
  };
  const history = existing
    ? instance.history.map((entry) => (entry === existing ? line : entry))
    : [...instance.history, line];
  return { ...instance, history };
}

/** When the step's action or compensation was first sent. */
export function stepStartedAt(instance: SagaInstance<unknown>, name: string, kind: StepKind): number {
  const line = instance.history.find((entry) => entry.name === name && entry.kind === kind);
  return line ? Date.parse(line.startedAt) : Number.NEGATIVE_INFINITY;
}

/** Whether the step's action has succeeded. */
export function hasSucceeded(instance: SagaInstance<unknown>, name: string): boolean {
  return instance.history.some((line) => line.name === name && line.kind === 'action' && line.status === 'SUCCEEDED');
}
