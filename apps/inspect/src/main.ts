import { parseArgs } from 'node:util';
import { ConfigurationError, kafkaSecurityFromEnvironment, type KafkaSecurity } from '@dtx/config';
import { causalTimeline, formatEntry, type ObservedMessage } from '@dtx/inspection';
import { readOrderMessages } from '@dtx/order-messages';

const usage = `usage: npm run inspect -- <orderId> [--follow] [--json] [--brokers host:port,...] [--prefix <topic prefix>]

Prints every Kafka message about one order, across all topics of the system,
in causal order (causation chain, then Lamport time; never wall-clock time),
flagging redelivered copies and dead-lettered messages. Signs in to Kafka with
KAFKA_SASL_MECHANISM, KAFKA_USERNAME and KAFKA_PASSWORD or KAFKA_PASSWORD_FILE
(npm run inspect uses the local broker's read-only inspector user).`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    follow: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    brokers: { type: 'string', default: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092' },
    prefix: { type: 'string', default: process.env['KAFKA_TOPIC_PREFIX'] ?? '' },
    help: { type: 'boolean', default: false },
  },
});
const orderId = positionals[0];
if (values.help || !orderId || !/^[0-9a-f-]{36}$/i.test(orderId)) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

let security: KafkaSecurity;
try {
  security = kafkaSecurityFromEnvironment();
} catch (error) {
  console.error(error instanceof ConfigurationError ? error.message : String(error));
  process.exit(2);
}

const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());

const startedAt = performance.now();
let caughtUp = false;
await readOrderMessages({
  brokers: (values.brokers ?? '').split(','),
  security,
  prefix: values.prefix ?? '',
  orderId,
  follow: values.follow ?? false,
  signal: stop.signal,
  onCaughtUp: printTimeline,
  onMessage: (message) => {
    if (caughtUp) {
      console.log(values.json ? JSON.stringify(message) : formatEntry({ message, depth: 0, copy: 1 }));
    }
  },
});

function printTimeline(messages: ObservedMessage[]): void {
  caughtUp = true;
  const timeline = causalTimeline(messages);
  if (values.json) {
    console.log(JSON.stringify(timeline, null, 2));
    return;
  }
  console.log(`order ${orderId}: ${messages.length} messages, read in ${Math.round(performance.now() - startedAt)} ms`);
  for (const entry of timeline) {
    console.log(formatEntry(entry));
  }
  if (values.follow) {
    console.log('-- following new messages (Ctrl-C to stop) --');
  }
}
