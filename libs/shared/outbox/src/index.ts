export {
  Outbox,
  outgoing,
  type Causation,
  type Emission,
  type OutboxOptions,
  type OutgoingMessage,
} from './lib/outbox.js';
export { advanceLamportClock, readLamportClock } from './lib/lamport-clock.js';
export {
  OutboxRelay,
  publishWithProducer,
  type OutboxRecord,
  type OutboxRelayOptions,
  type PublishedFrom,
  type PublishRecords,
} from './lib/outbox-relay.js';
