import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { decodeJwt, SignJWT, type JWTPayload } from 'jose';
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

/** The local Keycloak's admin API for the development realm, as its bootstrap admin (docker/local/infra.sh). */
const keycloakAdmin = async (): Promise<{ realm: string; api: (path: string, init?: RequestInit) => Promise<Response> }> => {
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
  return { realm, api };
};

/**
 * A new user at the local Keycloak, made through its admin API, with one of the realm's roles or
 * none (a token that names no role the apps know): tests that list or count a customer's orders
 * get a customer of their own.
 */
export const newUser = async (label: string, role: 'customer' | null): Promise<TestUser> => {
  const { api } = await keycloakAdmin();
  const user: TestUser = { username: `${label}-${randomUUID().slice(0, 8)}`.toLowerCase(), password: randomUUID() };
  const created = await api('/users', {
    method: 'POST',
    body: JSON.stringify({
      username: user.username, enabled: true, emailVerified: true, firstName: 'Test', lastName: label, email: `${user.username}@example.test`,
      credentials: [{ type: 'password', value: user.password, temporary: false }],
    }),
  });
  if (role) {
    const id = created.headers.get('location')!.split('/').pop()!;
    const representation = (await (await api(`/roles/${role}`)).json()) as unknown;
    await api(`/users/${id}/role-mappings/realm`, { method: 'POST', body: JSON.stringify([representation]) });
  }
  return user;
};

/** A new customer of the development realm (see newUser). */
export const newCustomer = (label = 'customer'): Promise<TestUser> => newUser(label, 'customer');

/** Signs tokens the tests make themselves; `publishedKey` is in the realm's key set, others are not. */
export interface TestSigningKey {
  readonly kid: string;
  /** A token with these claims (a Keycloak token's, say), signed RS256 with this key. */
  sign(claims: JWTPayload): Promise<string>;
  /** Takes the key out of the realm's key set again (a key that was never published: nothing). */
  remove(): Promise<void>;
}

const signer = (kid: string, privateKey: KeyObject) => (claims: JWTPayload): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(privateKey);

/** A key the realm does not publish: what it signs is refused for its key, whatever it claims. */
export const unpublishedKey = (): TestSigningKey => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `unknown-${randomUUID()}`;
  return { kid, sign: signer(kid, privateKey), remove: () => Promise.resolve() };
};

/**
 * A key of the test's own added to the local realm as a passive key: Keycloak publishes it in its
 * key set (so the apps verify signatures made with it) but never signs with it, so the realm's own
 * tokens are unchanged. Tokens signed with it are refused only for what they claim (expired,
 * another issuer or audience), which is what the negative cases over HTTP need. `remove` it after.
 */
export const publishedKey = async (): Promise<TestSigningKey> => {
  const { realm, api } = await keycloakAdmin();
  const realmId = ((await (await api('')).json()) as { id: string }).id;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const created = await api('/components', {
    method: 'POST',
    body: JSON.stringify({
      name: `test-key-${randomUUID()}`, providerId: 'rsa', providerType: 'org.keycloak.keys.KeyProvider', parentId: realmId,
      config: { priority: ['0'], enabled: ['true'], active: ['false'], algorithm: ['RS256'], privateKey: [privateKey.export({ type: 'pkcs8', format: 'pem' })] },
    }),
  });
  const component = created.headers.get('location')!.split('/').pop()!;
  const keys = (await (await api('/keys')).json()) as { keys: { kid: string; providerId: string; publicKey?: string }[] };
  const mine = keys.keys.find((k) => k.providerId === component);
  if (mine?.publicKey !== publicKey.export({ type: 'spki', format: 'der' }).toString('base64')) throw new Error(`Keycloak does not list the key it was given in realm ${realm}`);
  return { kid: mine.kid, sign: signer(mine.kid, privateKey), remove: async () => void (await api(`/components/${component}`, { method: 'DELETE' })) };
};
