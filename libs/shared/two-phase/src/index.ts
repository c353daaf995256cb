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
  type PhaseTwoOutcome,
  type TwoPhaseParticipantOptions,
} from './lib/two-phase-participant.module.js';
