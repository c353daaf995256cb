export {
  defineSaga,
  invoke,
  localStep,
  policyOf,
  type CompensatableStep,
  type RetriableStep,
  type SagaDefinition,
  type StepDefinition,
  type StepPolicy,
} from './lib/saga-definition.js';
export { applyDeadline, applyReply, awaitedCommand, startSaga } from './lib/saga-engine.js';
export type {
  QueueState,
  SagaCommand,
  SagaContext,
  SagaInstance,
  SagaReplyInput,
  SagaStatus,
  SagaTransition,
  StepKind,
  StepRecord,
  StepStatus,
} from './lib/saga-instance.js';
export { SagaTestKit } from './lib/saga-test-kit.js';
