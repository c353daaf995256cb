import http from 'node:http';
import { TimeoutError } from './timing.js';

/** One HTTP request as the client sends it; the body is already serialised. */
export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Covers the whole exchange: connecting (or waiting for a free socket), sending and reading the answer. */
  timeoutMs: number;
}

/** An answer of any status; header names are lower case. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/**
 * How a client reaches a service. Only a transport failure or a timeout
 * (TimeoutError) rejects; an error status is an answer like any other.
 */
export interface HttpTransport {
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Frees what the transport holds (sockets), so the process can exit. */
  close?(): void;
}

/**
 * The default transport: `fetch`, the global one unless another is given
 * (one that passes an undici `dispatcher`, say).
 */
export function fetchTransport(fetchFunction: typeof fetch = fetch): HttpTransport {
  return {
    async send(request) {
      const response = await fetchFunction(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(request.timeoutMs),
      }).catch((error: unknown) => {
        throw error instanceof DOMException && error.name === 'TimeoutError'
          ? new TimeoutError(`${request.method} ${request.url}`, request.timeoutMs)
          : error;
      });
      const text = await response.text();
      return { status: response.status, headers: Object.fromEntries(response.headers), text };
    },
  };
}

class StaleSocketError extends Error {
  readonly code: string | undefined;

  constructor(cause: NodeJS.ErrnoException) {
    super(cause.message, { cause });
    this.code = cause.code;
  }
}

/**
 * A lean HTTP/1.1 transport on node:http with keep-alive sockets (http: URLs
 * only), for a caller that must neither open a connection per request nor
 * spend much CPU on each (a load generator, the 2PC coordinator). Requests beyond `maxSockets` wait
 * in the agent's queue; the timeout covers that wait too.
 */
export class KeepAliveTransport implements HttpTransport {
  private readonly agent: http.Agent;

  constructor(options: { maxSockets: number }) {
    this.agent = new http.Agent({
      keepAlive: true,
      maxSockets: options.maxSockets,
      maxFreeSockets: options.maxSockets,
      scheduling: 'fifo',
    });
  }

  /**
   * A keep-alive socket the server closed just as it was reused fails with
   * ECONNRESET before any answer; such a request is sent once more, as Node's
   * documentation advises (safe for the shop API: PUT and GET are idempotent,
   * and POST /orders carries an Idempotency-Key; safe for the 2PC protocol,
   * whose participants recognise a repeated request). It goes on a new
   * connection: when the server died, the pool's other sockets to it are just
   * as dead, and the new connection is refused instead.
   */
  async send(request: HttpRequest): Promise<HttpResponse> {
    try {
      return await this.sendOnce(request, this.agent);
    } catch (error) {
      if (error instanceof StaleSocketError) {
        return this.sendOnce(request, false);
      }
      throw error;
    }
  }

  /** Closes every socket. */
  close(): void {
    this.agent.destroy();
  }

  /** `agent` false: on a connection of its own, closed after the answer. */
  private sendOnce(request: HttpRequest, agent: http.Agent | false): Promise<HttpResponse> {
    const headers: Record<string, string | number> = { ...request.headers };
    if (request.body !== undefined) {
      headers['content-length'] = Buffer.byteLength(request.body);
    }
    return new Promise<HttpResponse>((resolve, reject) => {
      const outgoing = http.request(request.url, { method: request.method, headers, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: response.statusCode ?? 0,
            headers: flatHeaders(response.headers),
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      const timer = setTimeout(
        () => outgoing.destroy(new TimeoutError(`${request.method} ${request.url}`, request.timeoutMs)),
        request.timeoutMs,
      );
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const stale = outgoing.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        reject(stale ? new StaleSocketError(error) : error);
      });
      outgoing.end(request.body);
    });
  }
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) {
      flat[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return flat;
}
