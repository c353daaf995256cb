export {
  ContractViolationError,
  createMessage,
  envelopeSchema,
  parseMessage,
  type AnyMessage,
  type MessageEnvelope,
  type ParseFailureReason,
  type ParseResult,
} from './lib/envelope.js';
export { kafkaHeadersOf, MessageHeaders, type TraceContext } from './lib/headers.js';
export { isMessageType, messageCatalog, type MessageType, type PayloadOf } from './lib/message-catalog.js';
export {
  cancellationReasonSchema,
  customerIdSchema,
  moneySchema,
  orderIdSchema,
  orderLineSchema,
  orderModeSchema,
  skuSchema,
  type OrderLine,
  type OrderMode,
} from './lib/primitives.js';
export { deadLetterTopic, Topics, type Topic } from './lib/topics.js';
export {
  ACTION_REFUSED,
  inventoryParticipant,
  orderParticipant,
  paymentParticipant,
  type CommandArguments,
  type CommandSpec,
} from './lib/participants.js';
export { sagaStepFields } from './lib/saga-commands.js';
export {
  beginTransactionSchema,
  decisionOf,
  preparedTransactionId,
  transactionStateSchema,
  transactionViewSchema,
  twoPhaseAbortSchema,
  twoPhaseAckSchema,
  twoPhaseOutcomeSchema,
  twoPhaseParticipants,
  twoPhaseVoteSchema,
  twoPhaseWorkSchema,
  type BeginTransaction,
  type TransactionState,
  type TransactionView,
  type TwoPhaseAbort,
  type TwoPhaseAck,
  type TwoPhaseOutcome,
  type TwoPhaseParticipantName,
  type TwoPhaseVote,
  type TwoPhaseWork,
} from './lib/two-phase.js';
