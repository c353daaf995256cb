export { DeadLetterHeaders, type DeadLetterReason } from './lib/dead-letter-publisher.js';
export { FaultInjector, InjectedFaultError, type FaultSettings } from './lib/fault-injector.js';
export { recordInInbox } from './lib/inbox-record.js';
export {
  defaultRetryPolicy,
  MessageDispatcher,
  type DispatcherMetrics,
  type HandlerContext,
  type MessageDispatcherOptions,
  type MessageHandler,
  type MessageHandlers,
} from './lib/message-dispatcher.js';
export { guardAction, guardCompensation, type StepKey, type StepResult, type StepTrace } from './lib/participant-guard.js';
export { sagaCommandHandler } from './lib/saga-command-handler.js';
