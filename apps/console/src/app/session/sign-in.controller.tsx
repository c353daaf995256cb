import { Body, Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AuthenticationError, type TokenVerifier } from '@dtx/auth';
import type { Request, Response } from 'express';
import type { ConsoleConfig } from '../console.config.js';
import { sendPage } from '../pages/send-page.js';
import { CONSOLE_CONFIG, TOKEN_VERIFIER } from '../tokens.js';
import { SignInPage } from '../views/sign-in.js';
import { renderPage } from '../views/render.js';
import type { OperatorRequest } from './session.middleware.js';
import { sameOrigin } from './session.middleware.js';
import { clearedSessionCookie, expiryOf, refusalOf, safeReturnPath, sessionCookie } from './session.js';

const TOKEN_COMMAND = 'npm run -s token -- --admin';

/** Sign-in with a pasted admin token, kept in an HttpOnly, SameSite=Strict cookie until it expires; sign-out. */
@ApiExcludeController()
@Controller()
export class SignInController {
  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig,
  ) {}

  @Get('sign-in')
  form(@Query('next') next: unknown, @Res() response: Response): void {
    sendPage(response, renderPage(<SignInPage next={safeReturnPath(next)} tokenCommand={TOKEN_COMMAND} />));
  }

  @Post('sign-in')
  async signIn(@Body() body: Record<string, unknown> | undefined, @Req() request: Request, @Res() response: Response) {
    const next = safeReturnPath(body?.['next']);
    const refuse = (status: number, problem: string) =>
      sendPage(response, renderPage(<SignInPage next={next} problem={problem} tokenCommand={TOKEN_COMMAND} />), status);
    if (!sameOrigin(request)) {
      return refuse(403, 'This sign-in did not come from the console’s own page.');
    }
    const token = String(body?.['token'] ?? '')
      .trim()
      .replace(/^Bearer\s+/i, '');
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) {
      return refuse(400, 'That is not a JWT (three base64url parts separated by dots).');
    }
    try {
      const principal = await this.verifier.verify(token);
      const refusal = refusalOf(principal);
      if (refusal) {
        return refuse(403, refusal);
      }
    } catch (error) {
      if (error instanceof AuthenticationError) {
        return refuse(401, `The token was refused: ${error.message}.`);
      }
      throw error;
    }
    response.setHeader('Set-Cookie', sessionCookie(token, expiryOf(token), this.config.CONSOLE_SECURE_COOKIE));
    response.redirect(303, next);
  }

  /** Behind the session middleware: only a signed-in operator's own page can sign out (CSRF-checked). */
  @Post('sign-out')
  signOut(@Req() _request: OperatorRequest, @Res() response: Response): void {
    response.setHeader('Set-Cookie', clearedSessionCookie(this.config.CONSOLE_SECURE_COOKIE));
    response.redirect(303, '/sign-in');
  }
}
