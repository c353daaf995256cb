import { transactionViewSchema, type BeginTransaction, type TransactionView } from '@dtx/contracts';
import { activeTraceHeaders } from '@dtx/telemetry';

/** The coordinator could not be reached or did not decide yet; asking again is safe. */
export class CoordinatorUnavailable extends Error {}

/** The order service's client of the coordinator's POST /transactions. */
export class CoordinatorClient {
  constructor(private readonly baseUrl: string) {}

  /** Runs (or joins) the order's transaction and returns it once decided. */
  async decide(request: BeginTransaction, timeoutMs: number): Promise<TransactionView> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/transactions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...activeTraceHeaders() },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new CoordinatorUnavailable(error instanceof Error ? error.message : String(error));
    }
    const text = await response.text();
    if (response.status >= 500) {
      throw new CoordinatorUnavailable(`coordinator answered ${response.status}: ${text.slice(0, 300)}`);
    }
    if (!response.ok) {
      throw new Error(
        `coordinator refused transaction ${request.transactionId} (${response.status}): ${text.slice(0, 300)}`,
      );
    }
    return transactionViewSchema.parse(JSON.parse(text));
  }
}
