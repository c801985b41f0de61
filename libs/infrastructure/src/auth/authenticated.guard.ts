import { HttpException, Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { RETRY_AFTER_SECONDS } from '../http/overload.js';
import type { AuthenticatedRequest } from './principal.js';

const PUBLIC = 'ledger:public';
const REALM = 'ledger';
/** A route (or controller) anyone may call without a token: health and metrics only. */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(PUBLIC, true);

/** RFC 6750's challenge: which realm, and why the token was refused (when one was sent). */
const challenge = (realm: string, reason?: string): string =>
  reason ? `Bearer realm="${realm}", error="invalid_token", error_description="${reason.replace(/["\\]/g, '')}"` : `Bearer realm="${realm}"`;

/**
 * Lets a request through only with a verified caller (or to a @Public route). No token, or a bad
 * one: 401 with `WWW-Authenticate`. The provider out of reach: 503 with `Retry-After`. What the
 * caller may do is not decided here but by the deciders and the read side.
 */
@Injectable()
export class AuthenticatedGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const http = context.switchToHttp();
    const authentication = http.getRequest<AuthenticatedRequest>().authentication ?? { kind: 'anonymous' };
    const response = http.getResponse<Response>();
    switch (authentication.kind) {
      case 'authenticated':
        return true;
      case 'unavailable':
        response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
        throw new HttpException({ error: 'identity_provider_unavailable', message: 'Tokens cannot be verified right now; retry shortly' }, 503);
      case 'rejected':
        response.setHeader('WWW-Authenticate', challenge(REALM, authentication.reason));
        throw new HttpException({ error: 'invalid_token', message: `The bearer token was refused: ${authentication.reason}` }, 401);
      case 'anonymous':
        response.setHeader('WWW-Authenticate', challenge(REALM));
        throw new HttpException({ error: 'unauthenticated', message: 'This route needs a bearer token (Authorization: Bearer <access token>)' }, 401);
      default: {
        const unknown: never = authentication;
        return unknown;
      }
    }
  }
}
