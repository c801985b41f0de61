import type { Config } from '../config/config.js';
import type { Principal, Role } from './principal.js';
import { discover, IdentityProviderUnavailableError, TokenVerifier } from './token-verifier.js';

const TIMEOUT_MS = 5_000;

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
    const tokenUrl = this.oidc.tokenUrl ? new URL(this.oidc.tokenUrl) : await discover(this.oidc.issuer, 'token_endpoint');
    let response: Response;
    try {
      response = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: this.client.clientId, client_secret: this.client.clientSecret }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new IdentityProviderUnavailableError(`no token for ${this.client.clientId} from ${tokenUrl.href}: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; error?: unknown };
    if (!response.ok || typeof body.access_token !== 'string') {
      throw new IdentityProviderUnavailableError(`${tokenUrl.href} refused client ${this.client.clientId}: ${response.status} ${String(body.error ?? '')}`);
    }
    const principal = await this.verifier.verify(body.access_token);
    if (!principal.roles.includes(this.role)) throw new Error(`client ${this.client.clientId} does not hold the role ${this.role}`);
    return principal;
  }
}
