import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { loadConfig } from '#infra/config/config';
import { clientCredentialsGrant, devPassword, passwordGrant, requestToken, type IssuedToken } from '#infra/auth/token-grants';

/** The development realm's users: alice and bob are customers, oscar an operator. */
export type DevUser = 'alice' | 'bob' | 'oscar';
/** A customer a test creates for itself at the provider, so its data is its own. */
export interface TestUser {
  readonly username: string;
  readonly password: string;
}
export type User = DevUser | TestUser;

const cache = new Map<string, Promise<IssuedToken>>();
/** A cached token is used until this many seconds before it expires. */
const MARGIN_S = 30;

const cached = async (key: string, issue: () => Promise<IssuedToken>, minValidS = MARGIN_S): Promise<string> => {
  const hit = cache.get(key);
  if (hit) {
    const token = await hit.catch(() => null);
    if (token && token.expiresAt - minValidS > Date.now() / 1000) return token.accessToken;
  }
  const fresh = issue();
  cache.set(key, fresh);
  fresh.catch(() => cache.delete(key));
  return (await fresh).accessToken;
};

const credentials = (user: User): TestUser => {
  if (typeof user !== 'string') return user;
  const password = devPassword(user);
  if (!password) throw new Error(`${user} is not a user of the development realm`);
  return { username: user, password };
};

/**
 * A user's access token from the local identity provider, over HTTP (the password grant): the
 * cached one while it has `minValidS` seconds left, else a fresh one.
 */
export const accessToken = (user: User, minValidS = MARGIN_S): Promise<string> => {
  const { username, password } = credentials(user);
  return cached(username, () => passwordGrant(loadConfig().oidc, username, password), minValidS);
};

/**
 * Forgets a user's cached token when it is `refused` (the apps answered 401: the provider's keys
 * changed, say). Only that token: many requests refused at once ask for one new token, not one each.
 */
export const forgetToken = async (user: User, refused: string): Promise<void> => {
  const key = typeof user === 'string' ? user : user.username;
  const entry = cache.get(key);
  if (entry && (await entry.catch(() => null))?.accessToken === refused && cache.get(key) === entry) cache.delete(key);
};

/** The payment service's access token (client credentials). */
export const serviceToken = (): Promise<string> => {
  const config = loadConfig();
  return cached('payment-service', () => clientCredentialsGrant(config.oidc, config.paymentService));
};

/** `{ authorization: 'Bearer …' }` for a user. */
export const bearer = async (user: User): Promise<Record<string, string>> => ({ authorization: `Bearer ${await accessToken(user)}` });

/** The subject (`sub`) of a user: the owner id of what they create. */
export const subjectOf = async (user: User): Promise<string> => decodeJwt(await accessToken(user)).sub!;

/**
 * A new customer at the local Keycloak, made through its admin API with the development bootstrap
 * admin (docker/local/infra.sh): tests that list or count a customer's orders get a customer of
 * their own.
 */
export const newCustomer = async (label = 'customer'): Promise<TestUser> => {
  const { issuer } = loadConfig().oidc;
  const base = new URL(issuer);
  const realm = base.pathname.split('/').pop()!;
  const admin = await cached('admin@master', () =>
    requestToken({ ...loadConfig().oidc, issuer: `${base.origin}/realms/master`, tokenUrl: null }, {
      grant_type: 'password', client_id: 'admin-cli', username: process.env['KEYCLOAK_ADMIN_USER'] ?? 'admin', password: process.env['KEYCLOAK_ADMIN_PASSWORD'] ?? 'admin-dev-password',
    }),
  );
  const api = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const response = await fetch(`${base.origin}/admin/realms/${realm}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
    if (!response.ok) throw new Error(`Keycloak admin ${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
    return response;
  };
  const user: TestUser = { username: `${label}-${randomUUID().slice(0, 8)}`.toLowerCase(), password: randomUUID() };
  const created = await api('/users', {
    method: 'POST',
    body: JSON.stringify({
      username: user.username, enabled: true, emailVerified: true, firstName: 'Test', lastName: label, email: `${user.username}@example.test`,
      credentials: [{ type: 'password', value: user.password, temporary: false }],
    }),
  });
  const id = created.headers.get('location')!.split('/').pop()!;
  const role = (await (await api('/roles/customer')).json()) as unknown;
  await api(`/users/${id}/role-mappings/realm`, { method: 'POST', body: JSON.stringify([role]) });
  return user;
};
