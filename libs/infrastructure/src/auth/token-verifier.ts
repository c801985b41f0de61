import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config/config.js';
import { ROLES, type Principal, type Role } from './principal.js';

/** Signature algorithms a token may use; `none` and the HMAC family never verify. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** How long a key set is trusted before it is fetched again, and the least time between two fetches for an unknown key id. */
const JWKS_MAX_AGE_MS = 10 * 60_000;
const JWKS_COOLDOWN_MS = 5_000;
const PROVIDER_TIMEOUT_MS = 5_000;
/**
 * A token verified once is taken as verified again, without its signature checked anew, for at
 * most this long and never past its expiry. A client sends the same token with every request
 * until it nears expiry, and the signature check was the largest CPU cost of a command. A key the
 * provider withdraws is still trusted for as long anyway (the cached key set), so this widens no
 * window.
 */
const VERIFIED_FOR_MS = 60_000;
const VERIFIED_TOKENS = 10_000;

/** The token is not acceptable: the caller gets 401 and this reason. */
export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

/** The provider's keys could not be had: nobody can be authenticated now, which is a 503, not a 401. */
export class IdentityProviderUnavailableError extends Error {
  override name = 'IdentityProviderUnavailableError';
}

const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);

/** The roles a token grants: Keycloak's realm roles (`realm_access.roles`) or a plain `roles` claim. */
const rolesOf = (payload: JWTPayload): Role[] => {
  const realm = (payload['realm_access'] as { roles?: unknown } | undefined)?.roles;
  const plain = payload['roles'];
  const all: unknown[] = [...(Array.isArray(realm) ? (realm as unknown[]) : []), ...(Array.isArray(plain) ? (plain as unknown[]) : [])];
  return [...new Set(all.filter(isRole))];
};

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export const principalFrom = (payload: JWTPayload): Principal => {
  const subject = text(payload.sub);
  if (!subject) throw new InvalidTokenError('the token has no subject (sub)');
  return {
    subject,
    client: text(payload['azp']) ?? text(payload['client_id']),
    roles: rolesOf(payload),
    username: text(payload['preferred_username']),
  };
};

/** One address from the issuer's OpenID Connect discovery document (`jwks_uri`, `token_endpoint`). */
export const discover = async (issuer: string, field: 'jwks_uri' | 'token_endpoint'): Promise<URL> => {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
  } catch (error) {
    throw new IdentityProviderUnavailableError(`the identity provider's discovery document (${url}) could not be fetched: ${(error as Error).message}`);
  }
  if (!response.ok) throw new IdentityProviderUnavailableError(`the identity provider's discovery document (${url}) answered ${response.status}`);
  const address = text(((await response.json()) as Record<string, unknown>)[field]);
  if (!address || !URL.canParse(address)) throw new IdentityProviderUnavailableError(`the discovery document at ${url} names no ${field}`);
  return new URL(address);
};

/**
 * Verifies bearer tokens from one OpenID Connect issuer with `jose`: the signature against the
 * issuer's published keys (fetched once, cached, fetched again when a token names a key id the
 * cache does not hold, at most every 5 s), the issuer, the audience and the expiry. The key set's
 * address is discovered from the issuer unless configured. A token that fails any check is an
 * InvalidTokenError; keys that cannot be fetched are an IdentityProviderUnavailableError.
 */
export class TokenVerifier {
  private keys: Promise<ReturnType<typeof createRemoteJWKSet>> | null = null;
  private readonly verified = new LRUCache<string, Principal>({ max: VERIFIED_TOKENS });

  constructor(
    private readonly oidc: Config['oidc'],
    private readonly cooldownMs = JWKS_COOLDOWN_MS,
  ) {}

  async verify(token: string): Promise<Principal> {
    const known = this.verified.get(token);
    if (known) return known;
    const keys = await this.keySet();
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: this.oidc.issuer,
        audience: this.oidc.audience,
        algorithms: ALGORITHMS,
        clockTolerance: this.oidc.clockToleranceS,
        requiredClaims: ['exp', 'sub'],
      });
      const principal = principalFrom(payload);
      const ttl = Math.min(VERIFIED_FOR_MS, payload.exp! * 1000 - Date.now());
      if (ttl >= 1) this.verified.set(token, principal, { ttl: Math.floor(ttl) });
      return principal;
    } catch (error) {
      throw this.classify(error);
    }
  }

  private keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    this.keys ??= (async () => {
      const url = this.oidc.jwksUrl ? new URL(this.oidc.jwksUrl) : await discover(this.oidc.issuer, 'jwks_uri');
      return createRemoteJWKSet(url, { cacheMaxAge: JWKS_MAX_AGE_MS, cooldownDuration: this.cooldownMs, timeoutDuration: PROVIDER_TIMEOUT_MS });
    })();
    // A failed discovery is tried again by the next request, not remembered.
    this.keys.catch(() => (this.keys = null));
    return this.keys;
  }

  private classify(error: unknown): Error {
    if (error instanceof InvalidTokenError) return error;
    if (error instanceof errors.JWKSTimeout) return new IdentityProviderUnavailableError('the identity provider did not send its keys in time');
    // jose's plain JOSEError (not a subclass) and JWKSInvalid: the key set answered other than 200, or not a key set.
    if (error instanceof errors.JWKSInvalid || (error instanceof errors.JOSEError && error.constructor === errors.JOSEError)) {
      return new IdentityProviderUnavailableError(`the identity provider's keys could not be had: ${error.message}`);
    }
    if (error instanceof errors.JWTExpired) return new InvalidTokenError('the token has expired');
    if (error instanceof errors.JWTClaimValidationFailed) return new InvalidTokenError(`the token's ${error.claim} claim is not acceptable`);
    if (error instanceof errors.JWKSNoMatchingKey) return new InvalidTokenError('the token is signed with a key the issuer does not publish');
    if (error instanceof errors.JOSEAlgNotAllowed) return new InvalidTokenError('the token is not signed with an accepted algorithm');
    if (error instanceof errors.JWSSignatureVerificationFailed) return new InvalidTokenError('the token signature does not verify');
    if (error instanceof errors.JOSEError) return new InvalidTokenError(`the token is not acceptable (${error.code})`);
    // Anything else comes from fetching the keys: the provider is down or answers nonsense.
    return new IdentityProviderUnavailableError(`the identity provider's keys could not be fetched: ${(error as Error).message}`);
  }
}
