import type { Request } from 'express';

/** The roles the apps know; a token's other roles are ignored. */
export const ROLES = ['customer', 'operator', 'payment-service'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as a verified bearer token says. */
export interface Principal {
  /** The token's `sub`: the user (or the service account) acting. */
  readonly subject: string;
  /** The OAuth client the token was issued to (`azp`), or null when the token does not say. */
  readonly client: string | null;
  readonly roles: readonly Role[];
  /** `preferred_username`, for logs and examples only; never for decisions. */
  readonly username: string | null;
}

/**
 * What the authentication middleware leaves on each request: the verified caller, or why there is
 * none. Guards and the rate limiter read it; nothing else verifies tokens.
 */
export type Authentication =
  | { readonly kind: 'authenticated'; readonly principal: Principal }
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'rejected'; readonly reason: string }
  /** The token could not be checked: the provider's keys are out of reach (503, not 401). */
  | { readonly kind: 'unavailable'; readonly reason: string };

export interface AuthenticatedRequest extends Request {
  authentication?: Authentication;
}

export const principalOf = (request: AuthenticatedRequest): Principal | null =>
  request.authentication?.kind === 'authenticated' ? request.authentication.principal : null;
