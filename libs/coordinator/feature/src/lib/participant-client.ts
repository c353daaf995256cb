import type { ServiceTokens } from '@dtx/auth';
import {
  twoPhaseAckSchema,
  twoPhaseVoteSchema,
  type TwoPhaseAbort,
  type TwoPhaseOutcome,
  type TwoPhaseParticipantName,
  type TwoPhaseVote,
  type TwoPhaseWork,
} from '@dtx/contracts';
import type { TraceHeaders } from '@dtx/telemetry';
import { errorMessage, KeepAliveTransport, TimeoutError, type HttpResponse } from '@dtx/util';
import type { z } from 'zod';

/** Each participant's replicas; any of them can serve the protocol, since they share one database. */
export type ParticipantUrls = Record<TwoPhaseParticipantName, readonly string[]>;

/** A participant did not acknowledge; the decision is sent again later. */
export class DeliveryFailed extends Error {}

/** The participant answered, but with an error status. */
class ParticipantError extends Error {}

/** Why a prepare without a vote counts as NO: no answer in time, an error answer, or no connection. */
function prepareFailureReason(error: unknown): string {
  if (error instanceof TimeoutError) {
    return 'TIMEOUT';
  }
  return error instanceof ParticipantError ? 'PARTICIPANT_FAILED' : 'PARTICIPANT_UNAVAILABLE';
}

/** Sockets kept open to each participant replica: enough for every transaction in phase 1 and its phase 2. */
const SOCKETS_PER_REPLICA = 128;

/** The coordinator's HTTP client for the participants' /2pc endpoints, on keep-alive connections. */
export class ParticipantClient {
  private readonly transport = new KeepAliveTransport({ maxSockets: SOCKETS_PER_REPLICA });

  constructor(
    private readonly urls: ParticipantUrls,
    private readonly options: { prepareTimeoutMs: number; decisionTimeoutMs: number },
    /** The coordinator's own identity: the only caller the participants' /2pc routes accept. */
    private readonly tokens: ServiceTokens,
  ) {}

  /**
   * Phase 1. A participant that does not answer in time, cannot be reached or
   * fails counts as a NO: the coordinator may always abort before deciding.
   */
  async prepare(
    participant: TwoPhaseParticipantName,
    transactionId: string,
    work: TwoPhaseWork,
    trace?: TraceHeaders,
  ): Promise<TwoPhaseVote> {
    try {
      return await this.post(
        participant,
        transactionId,
        'prepare',
        work,
        twoPhaseVoteSchema,
        this.options.prepareTimeoutMs,
        trace,
      );
    } catch (error) {
      return { vote: 'NO', reason: prepareFailureReason(error) };
    }
  }

  /** Phase 2: resolves once the participant acknowledged; throws DeliveryFailed otherwise. */
  async deliver(
    participant: TwoPhaseParticipantName,
    transactionId: string,
    decision: TwoPhaseOutcome,
    abort: TwoPhaseAbort,
    trace?: TraceHeaders,
  ): Promise<void> {
    const [action, body] = decision === 'COMMITTED' ? (['commit', {}] as const) : (['abort', abort] as const);
    try {
      const ack = await this.post(
        participant,
        transactionId,
        action,
        body,
        twoPhaseAckSchema,
        this.options.decisionTimeoutMs,
        trace,
      );
      if (ack.outcome !== decision) {
        throw new Error(`acknowledged ${ack.outcome} instead of ${decision}`);
      }
    } catch (error) {
      throw new DeliveryFailed(`${participant}: ${errorMessage(error)}`);
    }
  }

  private async post<Schema extends z.ZodType>(
    participant: TwoPhaseParticipantName,
    transactionId: string,
    action: string,
    body: unknown,
    schema: Schema,
    timeoutMs: number,
    trace?: TraceHeaders,
  ): Promise<z.output<Schema>> {
    const authorization = `Bearer ${await this.tokens.token()}`;
    const response = await this.reachReplica(this.urls[participant], (url) =>
      this.transport.send({
        method: 'POST',
        url: `${url}/2pc/transactions/${transactionId}/${action}`,
        headers: { 'content-type': 'application/json', authorization, ...trace },
        body: JSON.stringify(body),
        timeoutMs,
      }),
    );
    if (response.status < 200 || response.status > 299) {
      throw new ParticipantError(`${action} answered ${response.status}: ${response.text.slice(0, 300)}`);
    }
    return schema.parse(JSON.parse(response.text));
  }

  /**
   * Sends to the first replica that accepts the connection; a refused
   * connection moves on to the next. The transport sends a request reset on a
   * kept-alive connection once more, on a new one, so when its replica died
   * with the request in hand (and may have applied it) the next replica gets
   * it: safe, since a participant recognises a repeated prepare, commit or
   * abort of a transaction by its id (a repeated prepare votes YES at once if
   * the first one prepared).
   */
  private async reachReplica(
    urls: readonly string[],
    send: (url: string) => Promise<HttpResponse>,
  ): Promise<HttpResponse> {
    let refused: unknown;
    for (const url of urls) {
      try {
        return await send(url);
      } catch (error) {
        if (!connectionRefused(error)) {
          throw error;
        }
        refused = error;
      }
    }
    throw refused;
  }
}

function connectionRefused(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ECONNREFUSED';
}
