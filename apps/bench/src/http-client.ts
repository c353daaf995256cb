import http from 'node:http';

export interface HttpAnswer {
  status: number;
  body: unknown;
}

interface RequestOptions {
  method: string;
  json?: unknown;
  headers?: Record<string, string>;
  timeoutMs: number;
}

class StaleSocketError extends Error {
  readonly code: string | undefined;

  constructor(cause: NodeJS.ErrnoException) {
    super(cause.message, { cause });
    this.code = cause.code;
  }
}

/**
 * A lean HTTP/1.1 client on node:http with keep-alive sockets, so that the load
 * generator neither opens a connection per request nor becomes the bottleneck.
 * Requests beyond `maxSockets` wait in the agent's queue; the timeout covers the
 * wait too, so nothing is waited for forever.
 */
export class HttpClient {
  private readonly agent: http.Agent;

  constructor(options: { maxSockets: number }) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets, scheduling: 'fifo' });
  }

  /**
   * Sends one request. A keep-alive socket the server closed just as it was
   * reused fails with ECONNRESET before any answer; such a request is sent
   * once more, as Node's documentation advises (safe here: every POST carries
   * an Idempotency-Key).
   */
  async request(url: string, options: RequestOptions): Promise<HttpAnswer> {
    try {
      return await this.send(url, options);
    } catch (error) {
      if (error instanceof StaleSocketError) {
        return this.send(url, options);
      }
      throw error;
    }
  }

  private send(url: string, options: RequestOptions): Promise<HttpAnswer> {
    const payload = options.json === undefined ? undefined : JSON.stringify(options.json);
    const headers: Record<string, string | number> = { ...options.headers };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    return new Promise<HttpAnswer>((resolve, reject) => {
      const request = http.request(url, { method: options.method, headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, body: parseJson(text) });
        });
      });
      const timer = setTimeout(() => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
      request.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const stale = request.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        reject(stale ? new StaleSocketError(error) : error);
      });
      request.end(payload);
    });
  }

  /** Closes every socket, so the process can exit. */
  close(): void {
    this.agent.destroy();
  }
}

function parseJson(text: string): unknown {
  if (text === '') {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
