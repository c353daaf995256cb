import type { SagaStepView } from '@dtx/contracts';

/**
 * A saga's step history on one line, in the order the steps ran; the members
 * of a parallel group, sent together, in brackets after the group's name.
 */
export function sagaStepsLine(steps: readonly SagaStepView[]): string {
  const stages: { group?: string; steps: string[] }[] = [];
  for (const step of steps) {
    const line = `${step.kind === 'compensation' ? 'undo ' : ''}${step.name} ${step.status.toLowerCase()}`;
    const last = stages.at(-1);
    if (step.group !== undefined && last?.group === step.group) {
      last.steps.push(line);
    } else {
      stages.push({ group: step.group, steps: [line] });
    }
  }
  return stages
    .map((stage) => (stage.group === undefined ? stage.steps.join(', ') : `${stage.group} [${stage.steps.join(', ')}]`))
    .join(' -> ');
}
