export {
  Outbox,
  outgoing,
  type Causation,
  type Emission,
  type OutboxOptions,
  type OutgoingMessage,
} from './lib/outbox.js';
export {
  OutboxRelay,
  publishWithProducer,
  type OutboxRecord,
  type OutboxRelayOptions,
  type PublishRecords,
} from './lib/outbox-relay.js';
