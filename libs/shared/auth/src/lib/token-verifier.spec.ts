import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UnsecuredJWT } from 'jose';
import { ensureLocalKeys, LocalIssuer } from './local-issuer.js';
import { customerOf, isAdmin, isService } from './principal.js';
import { AuthenticationError, TokenVerifier } from './token-verifier.js';

describe('TokenVerifier with the local issuer', () => {
  let directory: string;
  let issuer: LocalIssuer;
  let verifier: TokenVerifier;

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dtx-auth-'));
    const files = await ensureLocalKeys(join(directory, 'keys'));
    issuer = await LocalIssuer.fromKeyFile(files.privateKeyFile);
    verifier = new TokenVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwks: { file: files.jwksFile } });
  });
  after(() => rm(directory, { recursive: true, force: true }));

  it("names a customer by the token's subject", async () => {
    const principal = await verifier.verify(await issuer.issue({ subject: 'cust-1' }));
    assert.equal(customerOf(principal), 'cust-1');
    assert.equal(isAdmin(principal), false);
  });

  it('tells an admin by the admin scope, and a service by its client id', async () => {
    const admin = await verifier.verify(await issuer.issue({ subject: 'ops', scopes: ['admin'] }));
    assert.equal(isAdmin(admin), true);
    assert.equal(customerOf(admin), undefined);
    const coordinator = await verifier.verify(
      await issuer.issue({ subject: 'service:coordinator', clientId: 'coordinator' }),
    );
    assert.equal(isService(coordinator, 'coordinator'), true);
    assert.equal(isService(coordinator, 'order'), false);
    assert.equal(customerOf(coordinator), undefined);
  });

  it('refuses an expired token', async () => {
    const token = await issuer.issue({ subject: 'cust-1', ttlSeconds: -10 });
    await assert.rejects(verifier.verify(token), { name: 'AuthenticationError', message: 'the token has expired' });
  });

  it('refuses a token of another issuer or for another audience', async () => {
    const files = await ensureLocalKeys(join(directory, 'keys'));
    const stranger = await LocalIssuer.fromKeyFile(files.privateKeyFile, { issuer: 'someone-else' });
    await assert.rejects(verifier.verify(await stranger.issue({ subject: 'cust-1' })), /iss claim/);
    const elsewhere = await LocalIssuer.fromKeyFile(files.privateKeyFile, { audience: 'another-system' });
    await assert.rejects(verifier.verify(await elsewhere.issue({ subject: 'cust-1' })), /aud claim/);
  });

  it('refuses a token signed by another key, an unsigned one, and a tampered one', async () => {
    const otherKeys = await ensureLocalKeys(join(directory, 'other-keys'));
    const forger = await LocalIssuer.fromKeyFile(otherKeys.privateKeyFile);
    await assert.rejects(verifier.verify(await forger.issue({ subject: 'cust-1' })), AuthenticationError);

    const unsigned = new UnsecuredJWT({ scope: 'admin' })
      .setIssuer(issuer.issuer)
      .setAudience(issuer.audience)
      .setSubject('ops')
      .setExpirationTime('1h')
      .encode();
    await assert.rejects(verifier.verify(unsigned), AuthenticationError);

    const [header, payload, signature] = (await issuer.issue({ subject: 'cust-1' })).split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const promoted = Buffer.from(JSON.stringify({ ...claims, scope: 'admin' })).toString('base64url');
    await assert.rejects(verifier.verify(`${header}.${promoted}.${signature}`), {
      message: 'the token signature is not valid',
    });
  });

  it('refuses what is not a token at all', async () => {
    await assert.rejects(verifier.verify('not-a-token'), { message: 'the token is malformed' });
  });
});

describe('ensureLocalKeys', () => {
  it('leaves one matching pair when called many times at once', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'dtx-auth-race-'));
    try {
      const keys = join(directory, 'keys');
      const all = await Promise.all(Array.from({ length: 5 }, () => ensureLocalKeys(keys)));
      const files = all[0];
      assert.ok(files);
      const issuer = await LocalIssuer.fromKeyFile(files.privateKeyFile);
      const verifier = new TokenVerifier({
        issuer: issuer.issuer,
        audience: issuer.audience,
        jwks: { file: files.jwksFile },
      });
      assert.equal((await verifier.verify(await issuer.issue({ subject: 'c' }))).subject, 'c');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
