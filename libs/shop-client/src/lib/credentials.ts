import type { TokenRequest } from '@dtx/auth';

/** The bearer tokens a client sends: a customer's for what a customer does, an admin's for seeding and reading everything. */
export interface ShopCredentials {
  customer(customerId: string): Promise<string>;
  admin(): Promise<string>;
}

/** What signs tokens: the project's local issuer (`LocalIssuer` of @dtx/auth), for local runs, tests and the benchmark. */
export interface TokenIssuer {
  issue(request: TokenRequest): Promise<string>;
}

const TOKEN_TTL_SECONDS = 3_600;
/** A token is issued again when less than this is left of it. */
const RENEW_BEFORE_MS = 10 * 60_000;

/** Credentials signed by `issuer`, one token per identity, kept until it nears expiry. */
export function issuedCredentials(issuer: TokenIssuer): ShopCredentials {
  const tokens = new Map<string, { token: Promise<string>; renewAtMs: number }>();
  const tokenFor = (key: string, request: TokenRequest) => {
    const held = tokens.get(key);
    if (held && held.renewAtMs > Date.now()) {
      return held.token;
    }
    const token = issuer.issue({ ...request, ttlSeconds: TOKEN_TTL_SECONDS });
    tokens.set(key, { token, renewAtMs: Date.now() + TOKEN_TTL_SECONDS * 1000 - RENEW_BEFORE_MS });
    token.catch(() => tokens.delete(key));
    return token;
  };
  return {
    customer: (customerId) => tokenFor(`customer ${customerId}`, { subject: customerId }),
    admin: () => tokenFor('admin', { subject: 'admin', scopes: ['admin'] }),
  };
}

/** Credentials that are one token whatever is asked: a client given a token from elsewhere (an OpenID Connect provider, say). */
export function fixedCredentials(token: string): ShopCredentials {
  return { customer: () => Promise.resolve(token), admin: () => Promise.resolve(token) };
}
