import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config/config.js';
import { REPOSITORY_ROOT } from '../repository-root.js';
import { discover } from './token-verifier.js';

const TIMEOUT_MS = 5_000;

export interface IssuedToken {
  readonly accessToken: string;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
}

/** Asks the provider's token endpoint for a token; throws with the provider's own error when refused. */
export const requestToken = async (oidc: Config['oidc'], form: Record<string, string>): Promise<IssuedToken> => {
  const url = oidc.tokenUrl ? new URL(oidc.tokenUrl) : await discover(oidc.issuer, 'token_endpoint');
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
  if (!response.ok || typeof body.access_token !== 'string') {
    const why = [body.error, body.error_description].filter((part) => typeof part === 'string').join(': ');
    throw new Error(`${url.href} refused the ${form['grant_type']} grant (${response.status}${why ? `, ${why}` : ''})`);
  }
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 60;
  return { accessToken: body.access_token, expiresAt: Math.floor(Date.now() / 1000) + expiresIn };
};

/** A user's token through the public CLI client (the password grant). */
export const passwordGrant = (oidc: Config['oidc'], username: string, password: string): Promise<IssuedToken> =>
  requestToken(oidc, { grant_type: 'password', client_id: oidc.cliClientId, username, password, scope: 'openid' });

/** A service's token (the client-credentials grant). */
export const clientCredentialsGrant = (oidc: Config['oidc'], client: { readonly clientId: string; readonly clientSecret: string }): Promise<IssuedToken> =>
  requestToken(oidc, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret });

/** The development realm the local stack imports: its users' passwords are for development only. */
export const DEV_REALM_FILE = resolve(REPOSITORY_ROOT, 'docker/local/keycloak/ledger-realm.json');

/** A development user's password, from the development realm file; null for anyone else. */
export const devPassword = (username: string, realmFile: string = DEV_REALM_FILE): string | null => {
  if (!existsSync(realmFile)) return null;
  const realm = JSON.parse(readFileSync(realmFile, 'utf8')) as { users?: { username: string; credentials?: { type: string; value: string }[] }[] };
  return realm.users?.find((u) => u.username === username)?.credentials?.find((c) => c.type === 'password')?.value ?? null;
};
