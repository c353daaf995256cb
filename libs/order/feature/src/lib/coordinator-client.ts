import type { ServiceTokens } from '@dtx/auth';
import { transactionViewSchema, type BeginTransaction, type TransactionView } from '@dtx/contracts';
import { activeTraceHeaders } from '@dtx/telemetry';
import { errorMessage, KeepAliveTransport, type HttpResponse } from '@dtx/util';

/** The coordinator could not be reached or did not decide yet; asking again is safe. */
export class CoordinatorUnavailable extends Error {}

/** Connections kept open to the coordinator: more than it takes transactions into phase 1 at once. */
const SOCKETS = 256;

/** The order service's client of the coordinator's POST /transactions, on keep-alive connections. */
export class CoordinatorClient {
  private readonly transport = new KeepAliveTransport({ maxSockets: SOCKETS });

  constructor(
    private readonly baseUrl: string,
    /** The order service's own identity: the only caller the coordinator lets start a transaction. */
    private readonly tokens: ServiceTokens,
  ) {}

  /** Runs (or joins) the order's transaction and returns it once decided. */
  async decide(request: BeginTransaction, timeoutMs: number): Promise<TransactionView> {
    let response: HttpResponse;
    try {
      const authorization = `Bearer ${await this.tokens.token()}`;
      response = await this.transport.send({
        method: 'POST',
        url: `${this.baseUrl}/transactions`,
        headers: { 'content-type': 'application/json', authorization, ...activeTraceHeaders() },
        body: JSON.stringify(request),
        timeoutMs,
      });
    } catch (error) {
      throw new CoordinatorUnavailable(errorMessage(error));
    }
    const { status, text } = response;
    if (status >= 500) {
      throw new CoordinatorUnavailable(`coordinator answered ${status}: ${text.slice(0, 300)}`);
    }
    if (status < 200 || status > 299) {
      throw new Error(`coordinator refused transaction ${request.transactionId} (${status}): ${text.slice(0, 300)}`);
    }
    return transactionViewSchema.parse(JSON.parse(text));
  }
}
