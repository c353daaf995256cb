import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { serviceEnvironmentSchema } from './environment-variables.js';
import { kafkaSecurityFromEnvironment } from './kafka-security.js';
import { ConfigurationError, loadConfig } from './load-config.js';

const directory = mkdtempSync(join(tmpdir(), 'kafka-security-'));
const file = (name: string, content: string) => {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
};

const problemsOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      return error.problems.map((problem) => problem.variable).sort();
    }
    throw error;
  }
  return [];
};

describe('Kafka client security from the environment', () => {
  it('is empty without a SASL mechanism and without TLS: a PLAINTEXT broker', () => {
    assert.deepEqual(kafkaSecurityFromEnvironment({}), {});
    assert.deepEqual(kafkaSecurityFromEnvironment({ KAFKA_SASL_MECHANISM: '', KAFKA_SSL: 'false' }), {});
  });

  it('signs in with SCRAM, the password given or read from a file without its trailing newline', () => {
    assert.deepEqual(
      kafkaSecurityFromEnvironment({
        KAFKA_SASL_MECHANISM: 'scram-sha-256',
        KAFKA_USERNAME: 'order',
        KAFKA_PASSWORD: 's3cret',
      }),
      { sasl: { mechanism: 'scram-sha-256', username: 'order', password: 's3cret' } },
    );
    const passwordFile = file('order-password', 'from-a-file\n');
    assert.deepEqual(
      kafkaSecurityFromEnvironment({
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_USERNAME: 'order',
        KAFKA_PASSWORD_FILE: passwordFile,
      }).sasl,
      { mechanism: 'scram-sha-512', username: 'order', password: 'from-a-file' },
    );
  });

  it('speaks TLS, trusting the CA file when one is given', () => {
    assert.deepEqual(kafkaSecurityFromEnvironment({ KAFKA_SSL: 'true' }), { ssl: true });
    const ca = file('ca.crt', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    assert.deepEqual(kafkaSecurityFromEnvironment({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: ca }).ssl, {
      ca: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'],
    });
  });

  it('names every variable that is missing, contradictory or unreadable', () => {
    assert.deepEqual(
      problemsOf(() => kafkaSecurityFromEnvironment({ KAFKA_SASL_MECHANISM: 'scram-sha-512' })),
      ['KAFKA_PASSWORD', 'KAFKA_USERNAME'],
    );
    assert.deepEqual(
      problemsOf(() => kafkaSecurityFromEnvironment({ KAFKA_USERNAME: 'order', KAFKA_PASSWORD: 'x' })),
      ['KAFKA_SASL_MECHANISM'],
    );
    assert.deepEqual(
      problemsOf(() =>
        kafkaSecurityFromEnvironment({
          KAFKA_SASL_MECHANISM: 'plain',
          KAFKA_SSL_CA_FILE: join(directory, 'missing.crt'),
        }),
      ),
      ['KAFKA_SASL_MECHANISM', 'KAFKA_SSL_CA_FILE'],
    );
    assert.deepEqual(
      problemsOf(() =>
        kafkaSecurityFromEnvironment({
          KAFKA_SASL_MECHANISM: 'scram-sha-512',
          KAFKA_USERNAME: 'order',
          KAFKA_PASSWORD: 'x',
          KAFKA_PASSWORD_FILE: file('both', 'y'),
          KAFKA_SSL_CA_FILE: file('no-tls.crt', 'z'),
        }),
      ),
      ['KAFKA_PASSWORD_FILE', 'KAFKA_SSL_CA_FILE'],
    );
  });

  it('reads variables under another prefix, and names them so', () => {
    assert.deepEqual(
      kafkaSecurityFromEnvironment(
        { TEST_KAFKA_SASL_MECHANISM: 'scram-sha-512', TEST_KAFKA_USERNAME: 'admin', TEST_KAFKA_PASSWORD: 'a' },
        'TEST_KAFKA_',
      ).sasl?.username,
      'admin',
    );
    assert.deepEqual(
      problemsOf(() => kafkaSecurityFromEnvironment({ TEST_KAFKA_SASL_MECHANISM: 'scram-sha-512' }, 'TEST_KAFKA_')),
      ['TEST_KAFKA_PASSWORD', 'TEST_KAFKA_USERNAME'],
    );
  });

  it('is checked with the rest of a service’s configuration', () => {
    const valid = { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/orders', KAFKA_BROKERS: '127.0.0.1:9092' };
    const schema = serviceEnvironmentSchema(3001).extend({});
    assert.deepEqual(
      problemsOf(() => loadConfig(schema, { ...valid, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_PASSWORD: 'x' })),
      ['KAFKA_USERNAME'],
    );
    assert.equal(loadConfig(schema, valid).KAFKA_SASL_MECHANISM, undefined);
  });
});
