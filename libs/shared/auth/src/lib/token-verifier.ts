import { readFile } from 'node:fs/promises';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import { principalFromClaims } from './claims.js';
import type { Principal } from './principal.js';

/** Where the public keys come from: an OpenID Connect provider's JWKS URL, or the local issuer's JWKS file. */
export type JwksSource = { url: string } | { file: string };

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  jwks: JwksSource;
  /** The asymmetric algorithms accepted (RS256 and ES256 by default); `none` and HMAC never are. */
  algorithms?: string[];
}

/** A token that is missing, malformed, expired, badly signed or not meant for this system. */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
}

/** Verified tokens kept, so that a client reusing its token is not checked again until it expires. */
const CACHE_LIMIT = 10_000;

/** Checks bearer tokens: signature against the JWKS, issuer, audience, expiry; returns who they name. */
export class TokenVerifier {
  private keys: JWTVerifyGetKey | undefined;
  private readonly verified = new Map<string, { principal: Principal; expiresAtMs: number }>();

  constructor(private readonly options: TokenVerifierOptions) {}

  async verify(token: string): Promise<Principal> {
    const cached = this.verified.get(token);
    if (cached && cached.expiresAtMs > Date.now()) {
      return cached.principal;
    }
    this.verified.delete(token);
    const { payload } = await this.check(token);
    let principal: Principal;
    try {
      principal = principalFromClaims(payload);
    } catch (error) {
      throw new AuthenticationError(error instanceof Error ? error.message : String(error));
    }
    this.remember(token, principal, (payload.exp ?? 0) * 1000);
    return principal;
  }

  private async check(token: string) {
    try {
      return await jwtVerify(token, await this.keySet(), {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: this.options.algorithms ?? ['RS256', 'ES256'],
        requiredClaims: ['exp', 'sub'],
      });
    } catch (error) {
      throw new AuthenticationError(describe(error));
    }
  }

  private async keySet(): Promise<JWTVerifyGetKey> {
    if (!this.keys) {
      const source = this.options.jwks;
      this.keys =
        'url' in source
          ? createRemoteJWKSet(new URL(source.url))
          : createLocalJWKSet(JSON.parse(await readFile(source.file, 'utf8')) as JSONWebKeySet);
    }
    return this.keys;
  }

  private remember(token: string, principal: Principal, expiresAtMs: number): void {
    if (this.verified.size >= CACHE_LIMIT) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) {
        this.verified.delete(oldest.value);
      }
    }
    this.verified.set(token, { principal, expiresAtMs });
  }
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) {
    return 'the token has expired';
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `the token's ${error.claim} claim is not accepted (${error.reason})`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return 'the token signature is not valid';
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return 'the token is not signed by a key of the trusted issuer';
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return "the token's signing algorithm is not accepted";
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return 'the token is malformed';
  }
  return `the token could not be verified (${error instanceof Error ? error.message : String(error)})`;
}
