import { randomUUID } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { DEFAULT_TOKEN_TTL_SECONDS, type TokenRequest } from './claims.js';

/** The issuer and audience of the project's own tokens, when it is its own issuer (locally). */
export const LOCAL_ISSUER = 'dtx-local';
export const DEFAULT_AUDIENCE = 'dtx';

const ALGORITHM = 'RS256';
const PRIVATE_KEY_FILE = 'signing-key.jwk.json';
const JWKS_FILE = 'jwks.json';

/** Where the local issuer keeps its key pair: the private key, and the public key as a JWKS the services check tokens against. */
export interface LocalKeyFiles {
  privateKeyFile: string;
  jwksFile: string;
}

export function localKeyFiles(directory: string): LocalKeyFiles {
  return { privateKeyFile: join(directory, PRIVATE_KEY_FILE), jwksFile: join(directory, JWKS_FILE) };
}

/**
 * The key pair under `directory`, generated the first time. Both files are
 * written to a directory of their own that is then renamed into place, so
 * that two first callers at once cannot leave a private key and a JWKS of
 * different pairs: the second rename fails, and its pair is discarded.
 */
export async function ensureLocalKeys(directory: string): Promise<LocalKeyFiles> {
  const files = localKeyFiles(directory);
  if (await exists(files.privateKeyFile)) {
    return files;
  }
  await mkdir(dirname(directory), { recursive: true });
  const staging = `${directory}.${process.pid}.${randomUUID()}.tmp`;
  await mkdir(staging, { mode: 0o700 });
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ALGORITHM, use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALGORITHM, use: 'sig' };
  const staged = localKeyFiles(staging);
  await writeFile(staged.jwksFile, JSON.stringify({ keys: [publicJwk] }, null, 2), { mode: 0o644 });
  await writeFile(staged.privateKeyFile, JSON.stringify(privateJwk, null, 2), { mode: 0o600 });
  try {
    await rename(staging, directory); // replaces an empty directory; fails if another caller's keys are there
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (!(await exists(files.privateKeyFile))) {
      throw error;
    }
  }
  return files;
}

/** Signs tokens with the local private key: for `npm run token`, the tests, and services that call each other locally. */
export class LocalIssuer {
  private constructor(
    private readonly key: Awaited<ReturnType<typeof importJWK>>,
    private readonly kid: string | undefined,
    readonly issuer: string,
    readonly audience: string,
  ) {}

  /** The issuer of a private key file written by ensureLocalKeys. */
  static async fromKeyFile(
    privateKeyFile: string,
    { issuer = LOCAL_ISSUER, audience = DEFAULT_AUDIENCE }: { issuer?: string; audience?: string } = {},
  ): Promise<LocalIssuer> {
    const jwk = (await readJson(privateKeyFile)) as JWK;
    return new LocalIssuer(await importJWK(jwk, ALGORITHM), jwk.kid, issuer, audience);
  }

  issue({ subject, scopes = [], clientId, ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS }: TokenRequest): Promise<string> {
    const claims = {
      ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}),
      ...(clientId ? { client_id: clientId } : {}),
    };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT', ...(this.kid ? { kid: this.kid } : {}) })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .setJti(randomUUID())
      .sign(this.key);
  }
}

/** Where the local issuer's keys are: AUTH_KEYS_DIR, else the repository's `.local/auth`. */
export function localKeysDirectory(): string {
  return process.env['AUTH_KEYS_DIR'] ?? fileURLToPath(new URL('../../../../../../.local/auth', import.meta.url));
}

/** The local issuer, its key pair made the first time: for `npm run token`, the demo, the benchmark and the tests. */
export async function localIssuer(keysDirectory = localKeysDirectory()): Promise<LocalIssuer> {
  return LocalIssuer.fromKeyFile((await ensureLocalKeys(keysDirectory)).privateKeyFile);
}

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8')) as unknown;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
