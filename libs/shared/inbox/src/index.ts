export { DeadLetterHeaders, type DeadLetterReason } from './lib/dead-letter-publisher.js';
export { FaultInjector, InjectedFaultError, type FaultSettings } from './lib/fault-injector.js';
export { recordInInbox } from './lib/inbox-record.js';
export { DEFAULT_MAX_LAMPORT_JUMP } from './lib/lamport-bound.js';
export {
  type BatchLocks,
  defaultRetryPolicy,
  forFlow,
  isOfFlow,
  MessageDispatcher,
  onlyWhen,
  type DispatcherMetrics,
  type HandlerContext,
  type MessageDispatcherOptions,
  type MessageHandler,
  type MessageHandlers,
} from './lib/message-dispatcher.js';
