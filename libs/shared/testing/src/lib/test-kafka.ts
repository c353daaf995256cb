import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaSecurityFromEnvironment, type KafkaSecurity } from '@dtx/config';
import { repositoryRoot } from './repository.js';

/** How the tests sign in to Kafka: themselves, and each service they start. */
export interface TestKafkaAccess {
  /** The tests' own clients (readers, senders, admin): the broker's super user, or nothing on a PLAINTEXT broker. */
  security: KafkaSecurity;
  /** The KAFKA_* variables of the tests' own user, for the tools they run (dtx-kafka-access). */
  adminEnvironment: Record<string, string>;
  /** The KAFKA_* variables with which a service signs in as its own user (its password file under the credentials folder). */
  serviceEnvironment(user: string): Record<string, string>;
  /** Whether the broker authenticates and authorises: the services get ACLs of their own per topic prefix. */
  authorizes: boolean;
}

const SETTINGS = ['SASL_MECHANISM', 'USERNAME', 'PASSWORD', 'PASSWORD_FILE', 'SSL', 'SSL_CA_FILE'] as const;

/**
 * TEST_KAFKA_SASL_MECHANISM, TEST_KAFKA_USERNAME, TEST_KAFKA_PASSWORD (or _FILE),
 * TEST_KAFKA_SSL and TEST_KAFKA_SSL_CA_FILE, as given; when none of the first two
 * is set and the credentials folder (TEST_KAFKA_CREDENTIALS_DIR, by default the
 * local broker's .local/kafka/credentials) holds an `admin` password, that user with
 * SCRAM-SHA-512. The services sign in with the password file named after them there.
 * TEST_KAFKA_SASL_MECHANISM set but empty means a broker without SASL.
 */
export function testKafkaAccess(environment: Record<string, string | undefined> = process.env): TestKafkaAccess {
  const credentials =
    environment['TEST_KAFKA_CREDENTIALS_DIR'] ?? join(repositoryRoot(), '.local', 'kafka', 'credentials');
  const given = (setting: string) => environment[`TEST_KAFKA_${setting}`];
  const explicit = given('SASL_MECHANISM') !== undefined || given('USERNAME') !== undefined;
  const local = !explicit && existsSync(join(credentials, 'admin'));
  const adminEnvironment = Object.fromEntries(
    SETTINGS.flatMap((setting) => {
      const value = given(setting);
      return value === undefined ? [] : [[`KAFKA_${setting}`, value]];
    }),
  );
  if (local) {
    Object.assign(adminEnvironment, {
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_USERNAME: 'admin',
      KAFKA_PASSWORD_FILE: join(credentials, 'admin'),
    });
  }
  const security = kafkaSecurityFromEnvironment(adminEnvironment);
  const tls = Object.fromEntries(
    Object.entries(adminEnvironment).filter(
      ([variable]) => variable === 'KAFKA_SSL' || variable === 'KAFKA_SSL_CA_FILE',
    ),
  );
  return {
    security,
    adminEnvironment,
    authorizes: security.sasl !== undefined,
    serviceEnvironment: (user) => {
      const passwordFile = join(credentials, user);
      if (!security.sasl) {
        return tls;
      }
      if (!existsSync(passwordFile)) {
        throw new Error(
          `no Kafka password for the ${user} user in ${credentials} (set TEST_KAFKA_CREDENTIALS_DIR to the folder of the broker's user passwords)`,
        );
      }
      return {
        ...tls,
        KAFKA_SASL_MECHANISM: security.sasl.mechanism,
        KAFKA_USERNAME: user,
        KAFKA_PASSWORD_FILE: passwordFile,
      };
    },
  };
}
