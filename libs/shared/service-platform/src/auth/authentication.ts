import { readFileSync } from 'node:fs';
import {
  ClientCredentialsTokens,
  LocalIssuer,
  LocallySignedServiceTokens,
  TokenVerifier,
  type ServiceTokens,
} from '@dtx/auth';
import { ConfigurationError, type ServiceEnvironment } from '@dtx/config';

/** The verifier of the tokens a service is called with, from AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL or AUTH_JWKS_FILE. */
export function tokenVerifierFor(config: ServiceEnvironment): TokenVerifier {
  const jwks = config.AUTH_JWKS_URL
    ? { url: config.AUTH_JWKS_URL }
    : config.AUTH_JWKS_FILE
      ? { file: config.AUTH_JWKS_FILE }
      : undefined;
  if (!jwks) {
    throw new ConfigurationError([
      {
        variable: 'AUTH_JWKS_URL',
        message:
          "is required (the OpenID Connect provider's JWKS URL), or AUTH_JWKS_FILE (the local issuer's .local/auth/jwks.json)",
      },
    ]);
  }
  return new TokenVerifier({ issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE, jwks });
}

export interface ServiceCredentialConfig {
  AUTH_ISSUER: string;
  AUTH_AUDIENCE: string;
  AUTH_TOKEN_URL?: string | undefined;
  AUTH_CLIENT_ID?: string | undefined;
  AUTH_CLIENT_SECRET?: string | undefined;
  AUTH_CLIENT_SECRET_FILE?: string | undefined;
  AUTH_SIGNING_KEY_FILE?: string | undefined;
}

/**
 * The service's own tokens for calling another service: by the
 * client-credentials grant when AUTH_TOKEN_URL is set, else signed with the
 * local issuer's key (AUTH_SIGNING_KEY_FILE), as `clientId`.
 */
export function serviceTokensFor(config: ServiceCredentialConfig, clientId: string): ServiceTokens {
  if (config.AUTH_TOKEN_URL) {
    const clientSecret =
      config.AUTH_CLIENT_SECRET ??
      (config.AUTH_CLIENT_SECRET_FILE ? readFileSync(config.AUTH_CLIENT_SECRET_FILE, 'utf8').trim() : undefined);
    if (!clientSecret) {
      throw new ConfigurationError([
        { variable: 'AUTH_CLIENT_SECRET', message: 'is required with AUTH_TOKEN_URL (or AUTH_CLIENT_SECRET_FILE)' },
      ]);
    }
    return new ClientCredentialsTokens({
      tokenUrl: config.AUTH_TOKEN_URL,
      clientId: config.AUTH_CLIENT_ID ?? clientId,
      clientSecret,
      audience: config.AUTH_AUDIENCE,
    });
  }
  const keyFile = config.AUTH_SIGNING_KEY_FILE;
  if (!keyFile) {
    throw new ConfigurationError([
      {
        variable: 'AUTH_TOKEN_URL',
        message: `is required for ${clientId} to call other services (with AUTH_CLIENT_ID and AUTH_CLIENT_SECRET), or AUTH_SIGNING_KEY_FILE where the project is its own issuer`,
      },
    ]);
  }
  let tokens: Promise<LocallySignedServiceTokens> | undefined;
  return {
    token: async () => {
      tokens ??= LocalIssuer.fromKeyFile(keyFile, { issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE }).then(
        (issuer) => new LocallySignedServiceTokens(issuer, clientId),
      );
      return (await tokens).token();
    },
  };
}
