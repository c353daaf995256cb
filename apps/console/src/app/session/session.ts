import { createHmac, timingSafeEqual } from 'node:crypto';
import { isAdmin, type Principal } from '@dtx/auth';

/** The cookie that holds the operator's token (HttpOnly, SameSite=Strict, until the token expires). */
export const SESSION_COOKIE = 'dtx_console_session';

/** The signed-in operator of a request. */
export interface Operator {
  token: string;
  principal: Principal;
  /** Seconds since the epoch: the token's `exp`. */
  expiresAt: number;
  /** The form field every state-changing POST must carry (see csrfTokenFor). */
  csrfToken: string;
}

/** Cookies of a `Cookie` header, by name. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) {
      const name = part.slice(0, index).trim();
      const value = part.slice(index + 1).trim();
      try {
        cookies.set(name, decodeURIComponent(value));
      } catch {
        // a value that is not valid percent-encoding is no cookie of ours
      }
    }
  }
  return cookies;
}

/**
 * The anti-CSRF token of a session: an HMAC of a fixed text keyed by the
 * session's own bearer token. A page of another site cannot compute it (the
 * cookie is HttpOnly and not sent cross-site), and any replica of the console
 * can check it without shared state.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('dtx-console csrf').digest('base64url');
}

export function csrfTokenMatches(sessionToken: string, given: unknown): boolean {
  if (typeof given !== 'string') {
    return false;
  }
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The `exp` claim of a JWT that has already been verified. */
export function expiryOf(token: string): number {
  const payload = token.split('.')[1] ?? '';
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp : 0;
  } catch {
    return 0;
  }
}

/** The Set-Cookie value that keeps the token until it expires. */
export function sessionCookie(
  token: string,
  expiresAt: number,
  secure: boolean,
  nowSeconds = Date.now() / 1000,
): string {
  const maxAge = Math.max(0, Math.floor(expiresAt - nowSeconds));
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(token)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAge}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** The Set-Cookie value that ends the session. */
export function clearedSessionCookie(secure: boolean): string {
  return [
    `${SESSION_COOKIE}=`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    'Max-Age=0',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** Only a path of this site may be where sign-in returns to (no `//host`, no scheme). */
export function safeReturnPath(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/orders';
}

/** Why a token cannot open the console, or undefined when it can. */
export function refusalOf(principal: Principal): string | undefined {
  return isAdmin(principal) ? undefined : 'This token is valid but has no admin scope: the console is for admins.';
}
