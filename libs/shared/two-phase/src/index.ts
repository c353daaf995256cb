export {
  PreparedTransactions,
  ProtocolViolation,
  TryAgainLater,
  type AbortWork,
  type PendingPreparedTransaction,
  type PrepareWork,
} from './lib/prepared-transactions.js';
export {
  TwoPhaseParticipant,
  TwoPhaseParticipantController,
  TwoPhaseParticipantModule,
  UNKNOWN_TO_COORDINATOR,
  type PhaseTwoOutcome,
  type TwoPhaseParticipantOptions,
} from './lib/two-phase-participant.module.js';
export {
  CoordinatorLookup,
  unknownTransactionOptions,
  type CoordinatorKnowledge,
  type UnknownTransactionConfig,
  type UnknownTransactionOptions,
} from './lib/unknown-transactions.js';
