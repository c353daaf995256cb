/** Injection token of the console's configuration (ConsoleConfig). */
export const CONSOLE_CONFIG = Symbol('CONSOLE_CONFIG');

/** Injection token of the console's kafkajs client (it signs in as the `console` Kafka user). */
export const CONSOLE_KAFKA = Symbol('CONSOLE_KAFKA');

/** Injection token of the TokenVerifier (@dtx/auth) that checks the operator's token, as the services check theirs. */
export const TOKEN_VERIFIER = Symbol('CONSOLE_TOKEN_VERIFIER');
