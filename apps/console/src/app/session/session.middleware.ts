import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { AuthenticationError, type TokenVerifier } from '@dtx/auth';
import type { NextFunction, Request, Response } from 'express';
import { TOKEN_VERIFIER } from '../tokens.js';
import {
  csrfTokenFor,
  csrfTokenMatches,
  expiryOf,
  parseCookies,
  refusalOf,
  SESSION_COOKIE,
  type Operator,
} from './session.js';

/** A request of a signed-in operator. */
export type OperatorRequest = Request & { operator: Operator };

/** The request's Origin (or Referer) is this site's own, or the request names none. */
export function sameOrigin(request: Request): boolean {
  const origin = request.headers.origin ?? request.headers.referer;
  if (!origin || origin === 'null') {
    return !request.headers.origin;
  }
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/**
 * Every page but sign-in, health, metrics and the static script needs the
 * session cookie with a valid admin token: a page without one sends the
 * browser to sign in, a JSON call gets 401. A POST must come from this site
 * and carry the session's anti-CSRF token, else 403.
 */
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  constructor(@Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier) {}

  async use(request: Request, response: Response, next: NextFunction): Promise<void> {
    const operator = await this.operatorOf(request);
    if (!operator) {
      if (request.method === 'GET' && !request.path.startsWith('/api/')) {
        response.redirect(303, `/sign-in?next=${encodeURIComponent(request.originalUrl)}`);
      } else {
        response.status(401).json({ error: 'UNAUTHORIZED', message: 'Sign in to the console with an admin token' });
      }
      return;
    }
    if (request.method === 'POST') {
      const body = request.body as Record<string, unknown> | undefined;
      if (!sameOrigin(request) || !csrfTokenMatches(operator.token, body?.['_csrf'])) {
        response
          .status(403)
          .type('text/plain')
          .send(
            'Forbidden: this form did not come from a console page of this session (CSRF check). Reload the page and try again.',
          );
        return;
      }
    }
    (request as OperatorRequest).operator = operator;
    next();
  }

  private async operatorOf(request: Request): Promise<Operator | undefined> {
    const token = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
    if (!token) {
      return undefined;
    }
    try {
      const principal = await this.verifier.verify(token);
      if (refusalOf(principal)) {
        return undefined;
      }
      return { token, principal, expiresAt: expiryOf(token), csrfToken: csrfTokenFor(token) };
    } catch (error) {
      if (error instanceof AuthenticationError) {
        return undefined;
      }
      throw error;
    }
  }
}
