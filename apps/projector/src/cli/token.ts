import type { Config } from '#infra/config/config';
import { clientCredentialsGrant, devPassword, passwordGrant, type IssuedToken } from '#infra/auth/token-grants';

export interface TokenRequest {
  /** A user of the realm, or the payment service's client id. */
  readonly user?: string;
  readonly password?: string;
  /** The payment service's own token (client credentials from the configuration). */
  readonly service?: boolean;
}

const grant = (config: Config, request: TokenRequest, passwordOf: (user: string) => string | null): Promise<IssuedToken> => {
  if (request.service || request.user === config.paymentService.clientId) return clientCredentialsGrant(config.oidc, config.paymentService);
  if (!request.user) throw new Error('name a user (alice, bob or oscar in the development realm) or give --service');
  const password = request.password ?? passwordOf(request.user);
  if (password === null) throw new Error(`no password for ${request.user}: give --password or set LEDGER_PASSWORD`);
  return passwordGrant(config.oidc, request.user, password);
};

/**
 * A fresh access token from the identity provider: a user's (password grant through the CLI
 * client; the password falls back to the development realm file) or the payment service's.
 */
export const issueToken = async (config: Config, request: TokenRequest, passwordOf = devPassword): Promise<string> => {
  const token = grant(config, request, passwordOf);
  try {
    return (await token).accessToken;
  } catch (error) {
    // fetch's own failure says only "fetch failed": name the provider and the cause.
    const cause = (error as Error).cause as { code?: unknown; message?: unknown } | undefined;
    const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : null;
    throw new Error(`no token from the identity provider ${config.oidc.issuer}: ${(error as Error).message}${detail ? ` (${detail})` : ''}`);
  }
};
