import {
  createParamDecorator,
  Inject,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticationError, customerOf, isAdmin, isService, type Principal, type TokenVerifier } from '@dtx/auth';
import type { Request, Response } from 'express';
import { ApiError } from '../http/api-error.js';
import { SERVICE_PLATFORM_OPTIONS, TOKEN_VERIFIER, type PlatformOptions } from '../lib/tokens.js';

/**
 * Who may call a route:
 * - `anyone`: no token needed (health, metrics);
 * - `customer`: a customer's token (the route then scopes what it reads to that customer);
 * - `admin`: a token with the admin scope;
 * - `coordinator`, `order-service`: that service's own token;
 * - `service`: any service's own token (a client-credentials token, with `client_id`).
 */
export type Caller = 'anyone' | 'customer' | 'admin' | 'coordinator' | 'order-service' | 'service';

const ACCESS = 'dtx:access';

/** The callers a route (or every route of a controller) admits; a route that names none admits no one. */
export const Access = (...callers: Caller[]) => SetMetadata(ACCESS, callers);

/** The verified caller of the request, for routes that scope what they answer to it. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal | undefined =>
    context.switchToHttp().getRequest<Request & { principal?: Principal }>().principal,
);

/**
 * Every request but those to `anyone` routes needs `Authorization: Bearer
 * <JWT>`: missing or not valid is 401, valid but not admitted is 403, both
 * with the error body.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(SERVICE_PLATFORM_OPTIONS) private readonly options: PlatformOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const callers = this.reflector.getAllAndOverride<Caller[] | undefined>(ACCESS, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (callers?.includes('anyone')) {
      return true;
    }
    const http = context.switchToHttp();
    const request = http.getRequest<Request & { principal?: Principal }>();
    const principal = await this.authenticate(request.headers.authorization, http.getResponse<Response>());
    request.principal = principal;
    if (!callers?.some((caller) => this.admits(caller, principal))) {
      throw new ApiError(403, 'FORBIDDEN', `This route is for ${describe(callers ?? [])}`);
    }
    return true;
  }

  private async authenticate(authorization: string | undefined, response: Response): Promise<Principal> {
    const token = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(authorization ?? '')?.[1];
    try {
      if (!token) {
        throw new AuthenticationError('Authorization: Bearer <token> is required');
      }
      return await this.verifier.verify(token);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) {
        throw error;
      }
      response.setHeader('WWW-Authenticate', `Bearer error="invalid_token"`);
      throw new ApiError(401, 'UNAUTHORIZED', capitalised(error.message));
    }
  }

  private admits(caller: Caller, principal: Principal): boolean {
    const config = this.options.config;
    switch (caller) {
      case 'anyone':
        return true;
      case 'customer':
        return customerOf(principal) !== undefined;
      case 'admin':
        return isAdmin(principal);
      case 'coordinator':
        return isService(principal, config.AUTH_COORDINATOR_CLIENT_ID);
      case 'order-service':
        return isService(principal, config.AUTH_ORDER_CLIENT_ID);
      case 'service':
        return principal.clientId !== undefined;
    }
  }
}

function describe(callers: Caller[]): string {
  const names: Record<Caller, string> = {
    anyone: 'anyone',
    customer: 'customers',
    admin: 'admins (scope admin)',
    coordinator: "the 2PC coordinator's service identity",
    'order-service': "the order service's service identity",
    service: 'service identities',
  };
  return callers.length === 0 ? 'no caller' : callers.map((caller) => names[caller]).join(' or ');
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
