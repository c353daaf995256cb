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
export { applyDeadline, applyReply, overdueCommands, restartOverdueReplies, startSaga } from './lib/saga-engine.js';
export {
  highestAttempt,
  sagaTimer,
  type QueueState,
  type QueueStates,
  type SagaCommand,
  type SagaContext,
  type SagaInstance,
  type SagaReplyInput,
  type SagaStatus,
  type SagaTransition,
  type StepInFlight,
  type StepKind,
  type StepRecord,
  type StepStatus,
} from './lib/saga-instance.js';
export { SagaTestKit } from './lib/saga-test-kit.js';
