import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { createLogger } from '../logging/logger.js';
import type { Authentication, AuthenticatedRequest } from './principal.js';
import { IdentityProviderUnavailableError, InvalidTokenError, TokenVerifier } from './token-verifier.js';

const log = createLogger('auth');
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** Who the request's bearer token says is calling; never answers the request itself. */
export const authenticate = async (verifier: TokenVerifier, header: string | undefined): Promise<Authentication> => {
  if (header === undefined || header.trim() === '') return { kind: 'anonymous' };
  const token = BEARER.exec(header.trim())?.[1];
  if (!token) return { kind: 'rejected', reason: 'the Authorization header must be "Bearer <token>"' };
  try {
    return { kind: 'authenticated', principal: await verifier.verify(token) };
  } catch (error) {
    if (error instanceof InvalidTokenError) return { kind: 'rejected', reason: error.message };
    if (error instanceof IdentityProviderUnavailableError) {
      log.warn({ err: error }, 'tokens cannot be verified: the identity provider is out of reach');
      return { kind: 'unavailable', reason: error.message };
    }
    throw error;
  }
};

/**
 * Establishes who is calling, on every request, and leaves it on `request.authentication` for the
 * rate limits and the guard. It refuses nothing: health and metrics answer without a token.
 */
@Injectable()
export class AuthenticationMiddleware implements NestMiddleware {
  constructor(@Inject(TokenVerifier) private readonly verifier: TokenVerifier) {}

  use(request: AuthenticatedRequest, _response: Response, next: NextFunction): void {
    authenticate(this.verifier, request.headers.authorization).then(
      (authentication) => {
        request.authentication = authentication;
        next();
      },
      (error: unknown) => next(error),
    );
  }
}
