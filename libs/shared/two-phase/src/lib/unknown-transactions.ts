import type { ServiceTokens } from '@dtx/auth';
import { fetchTransport, type HttpTransport } from '@dtx/util';

/** Where a participant asks the coordinator about a transaction it prepared, and when it starts asking. */
export interface UnknownTransactionOptions {
  coordinatorUrl: string;
  /** The participant's own tokens (GET /transactions/:id admits service identities). */
  serviceTokens: ServiceTokens;
  /** A prepared transaction older than this is checked with the coordinator. */
  timeoutMs: number;
}

/** What the coordinator says of a transaction: it logged it (and will finish it), it never heard of it, or it did not answer. */
export type CoordinatorKnowledge = 'known' | 'unknown' | 'no-answer';

/**
 * Asks the coordinator whether it knows a transaction. The coordinator logs a
 * transaction before it sends the first prepare, so one it does not know was
 * never its own: a prepare from someone else, or from a coordinator whose
 * log was lost. Such a transaction would hold its locks for ever.
 */
export class CoordinatorLookup {
  constructor(
    private readonly options: UnknownTransactionOptions,
    private readonly transport: HttpTransport = fetchTransport(),
  ) {}

  async knows(transactionId: string): Promise<CoordinatorKnowledge> {
    try {
      const response = await this.transport.send({
        method: 'GET',
        url: `${this.options.coordinatorUrl}/transactions/${transactionId}`,
        headers: { authorization: `Bearer ${await this.options.serviceTokens.token()}` },
        timeoutMs: 5_000,
      });
      if (response.status === 404) {
        return 'unknown';
      }
      return response.status >= 200 && response.status < 300 ? 'known' : 'no-answer';
    } catch {
      return 'no-answer';
    }
  }
}

/** The participant settings of the environment (see @dtx/config, twoPhaseParticipantVariables). */
export interface UnknownTransactionConfig {
  COORDINATOR_URL: string;
  TWO_PC_UNKNOWN_TRANSACTION_TIMEOUT_MS: number;
}

export function unknownTransactionOptions(
  config: UnknownTransactionConfig,
  serviceTokens: ServiceTokens,
): UnknownTransactionOptions {
  return {
    coordinatorUrl: config.COORDINATOR_URL,
    serviceTokens,
    timeoutMs: config.TWO_PC_UNKNOWN_TRANSACTION_TIMEOUT_MS,
  };
}
