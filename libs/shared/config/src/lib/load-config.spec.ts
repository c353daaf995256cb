import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceEnvironmentSchema } from './environment-variables.js';
import { ConfigurationError, loadConfig } from './load-config.js';

const schema = serviceEnvironmentSchema(3001);
const valid = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/orders',
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093',
};

describe('loadConfig', () => {
  it('applies defaults and parses typed values', () => {
    const config = loadConfig(schema, valid);
    assert.equal(config.PORT, 3001);
    assert.equal(config.LOG_LEVEL, 'info');
    assert.deepEqual(config.KAFKA_BROKERS, ['127.0.0.1:9092', '127.0.0.1:9093']);
  });

  it('names a missing variable', () => {
    assert.throws(
      () => loadConfig(schema, { KAFKA_BROKERS: valid.KAFKA_BROKERS }),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        error.problems.length === 1 &&
        error.problems[0]?.variable === 'DATABASE_URL' &&
        error.message.includes('DATABASE_URL'),
    );
  });

  it('names every malformed variable', () => {
    assert.throws(
      () => loadConfig(schema, { ...valid, PORT: 'eighty', DATABASE_URL: 'mysql://x/y', KAFKA_BROKERS: 'nohost' }),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        ['PORT', 'DATABASE_URL', 'KAFKA_BROKERS'].every((name) =>
          error.problems.some((problem) => problem.variable === name),
        ),
    );
  });

  it('rejects a port out of range', () => {
    assert.throws(() => loadConfig(schema, { ...valid, PORT: '70000' }), /PORT: must be between 1 and 65535/);
  });
});

describe('service environment', () => {
  it('reads fault injection as a boolean, off by default', () => {
    assert.equal(loadConfig(schema, valid).ENABLE_FAULT_INJECTION, false);
    assert.equal(loadConfig(schema, { ...valid, ENABLE_FAULT_INJECTION: 'true' }).ENABLE_FAULT_INJECTION, true);
    assert.throws(() => loadConfig(schema, { ...valid, ENABLE_FAULT_INJECTION: 'maybe' }), /ENABLE_FAULT_INJECTION/);
  });

  it('accepts a topic prefix of safe characters only', () => {
    assert.equal(loadConfig(schema, { ...valid, KAFKA_TOPIC_PREFIX: 'test-1.' }).KAFKA_TOPIC_PREFIX, 'test-1.');
    assert.throws(() => loadConfig(schema, { ...valid, KAFKA_TOPIC_PREFIX: 'a/b' }), /KAFKA_TOPIC_PREFIX/);
  });

  it('bounds how far ahead a consumed Lamport time may be, 1,000,000 by default and 0 for no bound', () => {
    assert.equal(loadConfig(schema, valid).LAMPORT_MAX_JUMP, 1_000_000);
    assert.equal(loadConfig(schema, { ...valid, LAMPORT_MAX_JUMP: '0' }).LAMPORT_MAX_JUMP, 0);
    assert.throws(() => loadConfig(schema, { ...valid, LAMPORT_MAX_JUMP: '-1' }), /LAMPORT_MAX_JUMP/);
  });
});
