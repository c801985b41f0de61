import type { Config } from '../config/config.js';
import type { Principal, Role } from './principal.js';
import { clientCredentialsGrant } from './token-grants.js';
import { IdentityProviderUnavailableError, TokenVerifier } from './token-verifier.js';

/**
 * A service's own identity at the identity provider: a client-credentials grant, the token checked
 * like any caller's (issuer, audience, signature), and the role the service must hold. The
 * principal is fetched once and kept; until the provider answers, `principal()` fails with
 * IdentityProviderUnavailableError and is tried again on the next call.
 */
export class ServiceIdentity {
  private current: Promise<Principal> | null = null;

  constructor(
    private readonly oidc: Config['oidc'],
    private readonly client: { readonly clientId: string; readonly clientSecret: string },
    private readonly role: Role,
    private readonly verifier: TokenVerifier = new TokenVerifier(oidc),
  ) {}

  principal(): Promise<Principal> {
    this.current ??= this.fetch();
    this.current.catch(() => (this.current = null));
    return this.current;
  }

  private async fetch(): Promise<Principal> {
    let token: string;
    try {
      token = (await clientCredentialsGrant(this.oidc, this.client)).accessToken;
    } catch (error) {
      throw new IdentityProviderUnavailableError(`no token for ${this.client.clientId}: ${(error as Error).message}`);
    }
    const principal = await this.verifier.verify(token);
    if (!principal.roles.includes(this.role)) throw new Error(`client ${this.client.clientId} does not hold the role ${this.role}`);
    return principal;
  }
}
