import { LocalIssuer } from './local-issuer.js';

/** A service's own token, for the requests it makes to other services (the coordinator's to the 2PC participants, say). */
export interface ServiceTokens {
  token(): Promise<string>;
}

/** Renewed when this much of its life is left, so that a request never leaves with a token about to expire. */
const RENEW_BEFORE_EXPIRY = 0.25;

/** Keeps one token and asks for a new one when it nears expiry; concurrent callers share one request. */
abstract class CachedServiceTokens implements ServiceTokens {
  private current: { token: string; renewAtMs: number } | undefined;
  private pending: Promise<string> | undefined;

  async token(): Promise<string> {
    if (this.current && this.current.renewAtMs > Date.now()) {
      return this.current.token;
    }
    this.pending ??= this.obtain()
      .then(({ token, ttlSeconds }) => {
        this.current = { token, renewAtMs: Date.now() + ttlSeconds * 1000 * (1 - RENEW_BEFORE_EXPIRY) };
        return token;
      })
      .finally(() => (this.pending = undefined));
    return this.pending;
  }

  protected abstract obtain(): Promise<{ token: string; ttlSeconds: number }>;
}

/**
 * Tokens the service signs itself with the local issuer's key: only where the
 * project is its own issuer (a developer's machine, the tests). In a cluster
 * no service holds a signing key; see ClientCredentialsTokens.
 */
export class LocallySignedServiceTokens extends CachedServiceTokens {
  constructor(
    private readonly issuer: LocalIssuer,
    private readonly clientId: string,
    private readonly ttlSeconds = 3_600,
  ) {
    super();
  }

  protected async obtain() {
    const token = await this.issuer.issue({
      subject: `service:${this.clientId}`,
      clientId: this.clientId,
      ttlSeconds: this.ttlSeconds,
    });
    return { token, ttlSeconds: this.ttlSeconds };
  }
}

export interface ClientCredentials {
  /** The OpenID Connect provider's token endpoint. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Sent as `audience` when the provider needs it to mint a token for this system (Auth0, say). */
  audience?: string;
}

/** Tokens from an OpenID Connect provider, by the OAuth 2.0 client-credentials grant (RFC 6749, 4.4). */
export class ClientCredentialsTokens extends CachedServiceTokens {
  constructor(
    private readonly credentials: ClientCredentials,
    private readonly timeoutMs = 10_000,
  ) {
    super();
  }

  protected async obtain() {
    const { tokenUrl, clientId, clientSecret, audience } = this.credentials;
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...(audience ? { audience } : {}) }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const body = (await response.json().catch(() => undefined)) as
      { access_token?: unknown; expires_in?: unknown; error?: unknown } | undefined;
    if (!response.ok || typeof body?.access_token !== 'string') {
      throw new Error(
        `the token endpoint ${tokenUrl} refused client ${clientId}: ${response.status} ${JSON.stringify(body?.error ?? body)}`,
      );
    }
    const ttlSeconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 300;
    return { token: body.access_token, ttlSeconds };
  }
}
