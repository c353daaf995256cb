import type { JWTPayload } from 'jose';
import type { Principal } from './principal.js';

/** What a token is issued for. */
export interface TokenRequest {
  subject: string;
  scopes?: readonly string[];
  /** For a service's own token: the service's client id. */
  clientId?: string;
  /** Valid this long (default one hour). */
  ttlSeconds?: number;
}

export const DEFAULT_TOKEN_TTL_SECONDS = 3_600;

/** The principal a verified token's claims name; throws when it names none. */
export function principalFromClaims(claims: JWTPayload): Principal {
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) {
    throw new Error('the token has no subject (sub)');
  }
  return { subject: claims.sub, scopes: scopesOf(claims), clientId: clientIdOf(claims) };
}

function scopesOf(claims: JWTPayload): Set<string> {
  const { scope, scp } = claims as { scope?: unknown; scp?: unknown };
  if (typeof scope === 'string') {
    return new Set(scope.split(' ').filter(Boolean));
  }
  if (Array.isArray(scp)) {
    return new Set(scp.filter((entry): entry is string => typeof entry === 'string'));
  }
  return new Set();
}

/** RFC 9068's `client_id`, which only a client's own (client-credentials) token carries; not `azp`, which a person's token has too. */
function clientIdOf(claims: JWTPayload): string | undefined {
  const { client_id: clientId } = claims as { client_id?: unknown };
  return typeof clientId === 'string' && clientId.length > 0 ? clientId : undefined;
}
