export { ReplayHeaders, type DeadLetter, type DeadLetterReplay, type RecordPosition } from './lib/dead-letter.js';
export {
  deadLetterTopics,
  DeadLetterReplayError,
  listDeadLetters,
  replayDeadLetter,
  replayDeadLetters,
  replayRecordTopic,
  type DeadLetterScope,
  type ListDeadLettersOptions,
  type ReplayDeadLetterRequest,
  type ReplayDeadLettersRequest,
} from './lib/dead-letters.js';
