import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clearedSessionCookie,
  csrfTokenFor,
  csrfTokenMatches,
  expiryOf,
  parseCookies,
  safeReturnPath,
  sessionCookie,
} from './session.js';

const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('console session', () => {
  it('keeps the token in an HttpOnly, SameSite=Strict cookie until it expires', () => {
    assert.equal(
      sessionCookie('a.b.c', 1_000, false, 400.5),
      'dtx_console_session=a.b.c; Path=/; HttpOnly; SameSite=Strict; Max-Age=599',
    );
    assert.match(sessionCookie('a.b.c', 1_000, true, 0), /; Secure$/);
    assert.match(clearedSessionCookie(false), /Max-Age=0/);
  });

  it('reads cookies, and ignores a value that is not valid percent-encoding', () => {
    const cookies = parseCookies('x=1; dtx_console_session=a.b.c; bad=%E0%A4%A');
    assert.equal(cookies.get('dtx_console_session'), 'a.b.c');
    assert.equal(cookies.has('bad'), false);
  });

  it('accepts only the anti-CSRF token of the same session', () => {
    const token = csrfTokenFor('session-1');
    assert.equal(csrfTokenMatches('session-1', token), true);
    assert.equal(csrfTokenMatches('session-2', token), false);
    assert.equal(csrfTokenMatches('session-1', undefined), false);
    assert.equal(csrfTokenMatches('session-1', `${token}x`), false);
  });

  it('reads the expiry of a token', () => {
    assert.equal(expiryOf(jwt({ exp: 1234 })), 1234);
    assert.equal(expiryOf('nonsense'), 0);
  });

  it('returns after sign-in only to a path of this site', () => {
    assert.equal(safeReturnPath('/orders/1?x=2'), '/orders/1?x=2');
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil', undefined, 3]) {
      assert.equal(safeReturnPath(next), '/orders');
    }
  });
});
