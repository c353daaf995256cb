import { accessSync, constants } from 'node:fs';
import { z } from 'zod';

/** The most a consumer may ask the broker to gather before answering a fetch (KAFKA_FETCH_MIN_BYTES). */
export const KAFKA_MAX_FETCH_MIN_BYTES = 1_048_576;

/** A TCP port number, given as a string in the environment. */
export const portVariable = (defaultPort: number) =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(defaultPort);

/** A PostgreSQL connection URL such as postgresql://user@127.0.0.1:5432/orders. */
export const postgresUrlVariable = z.string({ error: 'is required (a postgresql:// URL)' }).refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'postgresql:' || url.protocol === 'postgres:') && url.pathname.length > 1;
    } catch {
      return false;
    }
  },
  { message: 'must be a postgresql://host:port/database URL' },
);

/** A comma-separated list of Kafka bootstrap servers, each host:port. */
export const kafkaBrokersVariable = z
  .string({ error: 'is required (host:port[,host:port...])' })
  .transform((value) =>
    value
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
  )
  .refine((brokers) => brokers.length > 0 && brokers.every((broker) => /^[^:\s]+:\d{1,5}$/.test(broker)), {
    message: 'must be host:port[,host:port...]',
  });

/** "true" or "false" (also 1/0, yes/no). */
export const booleanVariable = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** An optional variable; set but empty counts as unset (as `${VAR:-}` in compose files gives). */
const optional = <Schema extends z.ZodType>(schema: Schema) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** A file the process can read, such as a mounted secret. */
const readableFileVariable = z.string().refine(
  (path) => {
    try {
      accessSync(path, constants.R_OK);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must name a file this process can read' },
);

/**
 * How a Kafka client signs in and whether it speaks TLS. Without a
 * mechanism the client connects without SASL (a PLAINTEXT broker).
 */
export const kafkaSecurityVariables = {
  KAFKA_SASL_MECHANISM: optional(
    z.enum(['scram-sha-256', 'scram-sha-512'], { error: 'must be scram-sha-256 or scram-sha-512' }),
  ),
  KAFKA_USERNAME: optional(z.string()),
  KAFKA_PASSWORD: optional(z.string()),
  /** Read instead of KAFKA_PASSWORD: a mounted secret, or a file of the local broker's credentials. */
  KAFKA_PASSWORD_FILE: optional(readableFileVariable),
  KAFKA_SSL: booleanVariable.default(false),
  /** PEM certificates the broker's certificate must chain to (a cluster CA); the system's CAs otherwise. */
  KAFKA_SSL_CA_FILE: optional(readableFileVariable),
};

export type KafkaSecuritySettings = z.output<z.ZodObject<typeof kafkaSecurityVariables>>;

/** The rules that span several of the Kafka security variables. */
export function checkKafkaSecurity(settings: KafkaSecuritySettings, context: z.RefinementCtx): void {
  const problem = (variable: keyof KafkaSecuritySettings, message: string) =>
    context.addIssue({ code: 'custom', path: [variable], message });
  const password = settings.KAFKA_PASSWORD !== undefined || settings.KAFKA_PASSWORD_FILE !== undefined;
  if (settings.KAFKA_SASL_MECHANISM === undefined) {
    if (settings.KAFKA_USERNAME !== undefined || password) {
      problem('KAFKA_SASL_MECHANISM', 'is required with a Kafka username or password');
    }
  } else {
    if (settings.KAFKA_USERNAME === undefined) {
      problem('KAFKA_USERNAME', `is required with KAFKA_SASL_MECHANISM=${settings.KAFKA_SASL_MECHANISM}`);
    }
    if (!password) {
      problem(
        'KAFKA_PASSWORD',
        `or KAFKA_PASSWORD_FILE is required with KAFKA_SASL_MECHANISM=${settings.KAFKA_SASL_MECHANISM}`,
      );
    }
  }
  if (settings.KAFKA_PASSWORD !== undefined && settings.KAFKA_PASSWORD_FILE !== undefined) {
    problem('KAFKA_PASSWORD_FILE', 'may not be set together with KAFKA_PASSWORD');
  }
  if (settings.KAFKA_SSL_CA_FILE !== undefined && !settings.KAFKA_SSL) {
    problem('KAFKA_SSL_CA_FILE', 'needs KAFKA_SSL=true');
  }
}

export const logLevelVariable = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'must be one of fatal, error, warn, info, debug, trace, silent',
  })
  .default('info');

/** A duration in whole milliseconds up to one hour, where 0 means "no limit". */
const optionalMillisecondsVariable = (defaultValue: number) =>
  z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(0).max(3_600_000).default(defaultValue);

const optionalText = z.string().min(1).optional();

/** How long bookkeeping rows are kept before the purge deletes them (README, "Retention"). */
const retentionVariables = {
  /** At least a day, so that a client repeating a request the next day still gets its first answer. */
  IDEMPOTENCY_KEY_RETENTION_HOURS: z.coerce
    .number({ error: 'must be a number of hours' })
    .int()
    .min(24, 'must be at least 24 (keys are kept at least a day)')
    .max(24 * 365)
    .default(48),
  /** Inbox rows, participant steps and 2PC outcomes: longer than a message can be delivered again (the topics keep 7 days). */
  MESSAGE_RECORD_RETENTION_DAYS: z.coerce
    .number({ error: 'must be a number of days' })
    .int()
    .min(8)
    .max(3650)
    .default(14),
  PURGE_INTERVAL_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(1_000)
    .max(86_400_000)
    .default(3_600_000),
};

/**
 * Who may call: bearer tokens are checked against the issuer's public keys,
 * from an OpenID Connect provider's JWKS URL (a cluster) or the local
 * issuer's JWKS file (`.local/auth/jwks.json`, a developer's machine).
 */
export const authenticationVariables = {
  AUTH_ISSUER: z.string().min(1).default('dtx-local'),
  AUTH_AUDIENCE: z.string().min(1).default('dtx'),
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  AUTH_JWKS_FILE: optionalText,
  /** The client id (`client_id` claim) of the coordinator's own tokens: the only caller the 2PC participant routes accept. */
  AUTH_COORDINATOR_CLIENT_ID: z.string().min(1).default('coordinator'),
  /** The client id of the order service's own tokens: the only caller that may start a 2PC transaction. */
  AUTH_ORDER_CLIENT_ID: z.string().min(1).default('order'),
};

/**
 * How a service that calls another (order → coordinator, coordinator → the
 * 2PC participants) gets its own token: from an OpenID Connect provider by the
 * client-credentials grant (AUTH_TOKEN_URL, AUTH_CLIENT_ID, AUTH_CLIENT_SECRET
 * or AUTH_CLIENT_SECRET_FILE), or, where the project is its own issuer, by
 * signing it with the local key (AUTH_SIGNING_KEY_FILE).
 */
export const serviceCredentialVariables = {
  AUTH_TOKEN_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  AUTH_CLIENT_ID: optionalText,
  AUTH_CLIENT_SECRET: optionalText,
  AUTH_CLIENT_SECRET_FILE: optionalText,
  AUTH_SIGNING_KEY_FILE: optionalText,
};

const serviceEnvironmentObject = (defaultPort: number) =>
  z.object({
    PORT: portVariable(defaultPort),
    HOST: z.string().min(1).default('127.0.0.1'),
    SERVICE_VERSION: z.string().min(1).default('0.1.0'),
    DATABASE_URL: postgresUrlVariable,
    KAFKA_BROKERS: kafkaBrokersVariable,
    ...kafkaSecurityVariables,
    LOG_LEVEL: logLevelVariable,
    KAFKA_TOPIC_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._-]*$/, 'may only contain A-Z a-z 0-9 . _ -')
      .default(''),
    ENABLE_FAULT_INJECTION: booleanVariable.default(false),
    /** Where fault injection (/admin/*) answers when enabled, and nothing else does; PORT + 1000 by default. */
    ADMIN_PORT: z.coerce
      .number({ error: 'must be a port number' })
      .int('must be a whole number')
      .min(1, 'must be between 1 and 65535')
      .max(65535, 'must be between 1 and 65535')
      .optional(),
    /** The most connections the service's one pool opens (the relay's LISTEN connection comes on top). */
    DATABASE_POOL_SIZE: z.coerce.number({ error: 'must be a whole number' }).int().min(1).max(1_000).default(10),
    /** A statement running longer is cancelled; 0 turns the limit off. */
    DATABASE_STATEMENT_TIMEOUT_MS: optionalMillisecondsVariable(30_000),
    /** A statement waiting longer for a row lock fails (and its message is retried); 0 waits as long as the statement may run. */
    DATABASE_LOCK_TIMEOUT_MS: optionalMillisecondsVariable(0),
    /** A transaction left idle longer is ended by the server, releasing its locks; 0 turns the limit off. */
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: optionalMillisecondsVariable(60_000),
    /**
     * Partitions whose batches a consumer handles at once (order is kept within each). One by default: a
     * batch holds the row locks of all its messages until it commits, so two batches at once can deadlock.
     */
    KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: z.coerce
      .number({ error: 'must be a whole number' })
      .int()
      .min(1)
      .max(100)
      .default(1),
    /** How much data the broker gathers before answering a fetch, unless KAFKA_FETCH_MAX_WAIT_MS passes first. */
    KAFKA_FETCH_MIN_BYTES: z.coerce
      .number({ error: 'must be a number of bytes' })
      .int()
      .min(1)
      .max(KAFKA_MAX_FETCH_MIN_BYTES)
      .default(1),
    /** The longest the broker holds a fetch waiting for KAFKA_FETCH_MIN_BYTES. */
    KAFKA_FETCH_MAX_WAIT_MS: z.coerce
      .number({ error: 'must be a number of milliseconds' })
      .int()
      .min(0)
      .max(30_000)
      .default(5_000),
    /**
     * How long the broker gathers settlement messages (an order's outcome, which no one waits for
     * to be handled) before answering the settlement consumer's fetch: larger batches, fewer
     * transactions, for at most this much delay before a payment is captured or stock sold.
     */
    KAFKA_SETTLEMENT_FETCH_WAIT_MS: z.coerce
      .number({ error: 'must be a number of milliseconds' })
      .int()
      // Every settlement fetch waits this long, even with nothing to read: less would keep an idle consumer busy.
      .min(10, 'must be at least 10')
      .max(30_000)
      .default(500),
    /**
     * How long the outbox relay holds an announced message for others to leave with it: fewer, larger
     * publications, and larger batches for the consumers, for at most this much latency per hop.
     */
    OUTBOX_RELAY_LINGER_MS: z.coerce
      .number({ error: 'must be a number of milliseconds' })
      .int()
      .min(0)
      .max(1_000)
      .default(0),
    /** The most messages of one partition handled in one database transaction. */
    MAX_MESSAGES_PER_TRANSACTION: z.coerce
      .number({ error: 'must be a whole number' })
      .int()
      .min(1)
      .max(10_000)
      .default(100),
    ...authenticationVariables,
    ...retentionVariables,
    SHUTDOWN_TIMEOUT_MS: z.coerce
      .number({ error: 'must be a number of milliseconds' })
      .int()
      .min(100, 'must be at least 100')
      .max(60000, 'must be at most 60000')
      .default(8000),
    /**
     * How far ahead of the service's Lamport clock a consumed message's Lamport time may be; one
     * further ahead is dead-lettered (LAMPORT_TOO_FAR_AHEAD) and leaves the clock as it was. 0: no bound.
     */
    LAMPORT_MAX_JUMP: z.coerce
      .number({ error: 'must be a whole number' })
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .default(1_000_000),
  });

/** The variables every service reads; each service extends this with its own. */
export const serviceEnvironmentSchema = (defaultPort: number) =>
  serviceEnvironmentObject(defaultPort).superRefine(checkKafkaSecurity);

export type ServiceEnvironment = z.output<ReturnType<typeof serviceEnvironmentSchema>>;

/** A duration in whole milliseconds, from 1 ms to one hour. */
export const millisecondsVariable = (defaultValue: number) =>
  z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(1).max(3_600_000).default(defaultValue);

/** The base URL of another service, such as http://127.0.0.1:3005 (no trailing slash needed). */
export const serviceUrlVariable = (defaultUrl: string) =>
  z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .default(defaultUrl)
    .transform((value) => value.replace(/\/+$/, ''));

/** One or more base URLs of a service's replicas, comma-separated: http://127.0.0.1:3002,http://127.0.0.1:3102. */
export const serviceUrlsVariable = (defaultUrl: string) =>
  z
    .string()
    .default(defaultUrl)
    .transform((value) => value.split(',').map((url) => url.trim()))
    .pipe(z.array(z.url({ protocol: /^https?$/, error: 'each must be an http:// or https:// URL' })).min(1))
    .transform((urls) => urls.map((url) => url.replace(/\/+$/, '')));

/** What every 2PC participant (order, inventory, payment) reads. */
export const twoPhaseParticipantVariables = {
  /** How long a prepare waits for a row lock before voting NO; shorter than the coordinator's PREPARE_TIMEOUT_MS. */
  TWO_PC_LOCK_TIMEOUT_MS: millisecondsVariable(2_000),
  /** Where a participant asks about a transaction it prepared long ago (and the order service starts its 2PC orders). */
  COORDINATOR_URL: serviceUrlVariable('http://127.0.0.1:3005'),
  /** A prepared transaction this old that the coordinator does not know is rolled back. */
  TWO_PC_UNKNOWN_TRANSACTION_TIMEOUT_MS: millisecondsVariable(60_000),
  ...serviceCredentialVariables,
};

interface AuthenticationSettings {
  AUTH_JWKS_URL?: string | undefined;
  AUTH_JWKS_FILE?: string | undefined;
}

/** A service's final schema refines with this: it checks tokens against a JWKS, from a URL or a file. */
export function requireJwks(config: AuthenticationSettings, context: z.RefinementCtx): void {
  if (!config.AUTH_JWKS_URL && !config.AUTH_JWKS_FILE) {
    context.addIssue({
      code: 'custom',
      path: ['AUTH_JWKS_URL'],
      message:
        "is required (the OpenID Connect provider's JWKS URL), or AUTH_JWKS_FILE (the local issuer's .local/auth/jwks.json)",
    });
  }
}

interface CredentialSettings {
  AUTH_TOKEN_URL?: string | undefined;
  AUTH_CLIENT_ID?: string | undefined;
  AUTH_CLIENT_SECRET?: string | undefined;
  AUTH_CLIENT_SECRET_FILE?: string | undefined;
  AUTH_SIGNING_KEY_FILE?: string | undefined;
}

/** Refines the schema of a service that calls another: it can get its own token. */
export function requireServiceCredentials(config: CredentialSettings, context: z.RefinementCtx): void {
  if (config.AUTH_TOKEN_URL) {
    if (!config.AUTH_CLIENT_SECRET && !config.AUTH_CLIENT_SECRET_FILE) {
      context.addIssue({
        code: 'custom',
        path: ['AUTH_CLIENT_SECRET'],
        message: 'is required with AUTH_TOKEN_URL (or AUTH_CLIENT_SECRET_FILE)',
      });
    }
  } else if (!config.AUTH_SIGNING_KEY_FILE) {
    context.addIssue({
      code: 'custom',
      path: ['AUTH_TOKEN_URL'],
      message:
        'is required to call other services (with AUTH_CLIENT_ID and AUTH_CLIENT_SECRET), or AUTH_SIGNING_KEY_FILE where the project is its own issuer',
    });
  }
}
