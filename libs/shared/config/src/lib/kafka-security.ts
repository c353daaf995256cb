import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { checkKafkaSecurity, kafkaSecurityVariables, type KafkaSecuritySettings } from './environment-variables.js';
import { loadConfig, ConfigurationError } from './load-config.js';

type ScramMechanism = NonNullable<KafkaSecuritySettings['KAFKA_SASL_MECHANISM']>;

/** What a kafkajs client needs to sign in and to speak TLS; spread into its configuration. */
export interface KafkaSecurity {
  sasl?: {
    [Mechanism in ScramMechanism]: { mechanism: Mechanism; username: string; password: string };
  }[ScramMechanism];
  ssl?: true | { ca: string[] };
}

/** The client settings the variables describe, with the password and CA files read. */
export function kafkaSecurityOf(settings: KafkaSecuritySettings): KafkaSecurity {
  const security: KafkaSecurity = {};
  if (settings.KAFKA_SASL_MECHANISM !== undefined && settings.KAFKA_USERNAME !== undefined) {
    const password =
      settings.KAFKA_PASSWORD ??
      // A mounted secret or a credentials file may end with a newline; no password here does.
      readFileSync(settings.KAFKA_PASSWORD_FILE ?? '', 'utf8').trimEnd();
    security.sasl = { mechanism: settings.KAFKA_SASL_MECHANISM, username: settings.KAFKA_USERNAME, password };
  }
  if (settings.KAFKA_SSL) {
    security.ssl = settings.KAFKA_SSL_CA_FILE ? { ca: [readFileSync(settings.KAFKA_SSL_CA_FILE, 'utf8')] } : true;
  }
  return security;
}

const kafkaSecuritySchema = z.object(kafkaSecurityVariables).superRefine(checkKafkaSecurity);

/**
 * Kafka client settings from variables named with `prefix` (KAFKA_SASL_MECHANISM,
 * KAFKA_USERNAME, ...; TEST_KAFKA_USERNAME, ... with prefix TEST_KAFKA_), for tools
 * and tests. Throws a ConfigurationError naming the variables as they were given.
 */
export function kafkaSecurityFromEnvironment(
  environment: Record<string, string | undefined> = process.env,
  prefix = 'KAFKA_',
): KafkaSecurity {
  const named = (variable: string) => `${prefix}${variable.slice('KAFKA_'.length)}`;
  const settings = Object.fromEntries(
    Object.keys(kafkaSecurityVariables).map((variable) => [variable, environment[named(variable)]]),
  );
  try {
    return kafkaSecurityOf(loadConfig(kafkaSecuritySchema, settings));
  } catch (error) {
    if (error instanceof ConfigurationError) {
      throw new ConfigurationError(
        error.problems.map((problem) => ({ ...problem, variable: named(problem.variable) })),
      );
    }
    throw error;
  }
}
