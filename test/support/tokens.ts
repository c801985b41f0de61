import { decodeJwt } from 'jose';
import { loadConfig } from '#infra/config/config';
import { clientCredentialsGrant, devPassword, passwordGrant, type IssuedToken } from '#infra/auth/token-grants';

/** The development realm's users: alice and bob are customers, oscar an operator. */
export type DevUser = 'alice' | 'bob' | 'oscar';

const cache = new Map<string, Promise<IssuedToken>>();
/** A cached token is used until this many seconds before it expires. */
const MARGIN_S = 30;

const cached = async (key: string, issue: () => Promise<IssuedToken>): Promise<string> => {
  const hit = cache.get(key);
  if (hit) {
    const token = await hit.catch(() => null);
    if (token && token.expiresAt - MARGIN_S > Date.now() / 1000) return token.accessToken;
  }
  const fresh = issue();
  cache.set(key, fresh);
  fresh.catch(() => cache.delete(key));
  return (await fresh).accessToken;
};

/** A user's access token from the local identity provider, over HTTP (the password grant). */
export const accessToken = (user: DevUser): Promise<string> => {
  const password = devPassword(user);
  if (!password) throw new Error(`${user} is not a user of the development realm`);
  return cached(user, () => passwordGrant(loadConfig().oidc, user, password));
};

/** The payment service's access token (client credentials). */
export const serviceToken = (): Promise<string> => {
  const config = loadConfig();
  return cached('payment-service', () => clientCredentialsGrant(config.oidc, config.paymentService));
};

/** `{ authorization: 'Bearer …' }` for a user. */
export const bearer = async (user: DevUser): Promise<Record<string, string>> => ({ authorization: `Bearer ${await accessToken(user)}` });

/** The subject (`sub`) of a user: the owner id of what they create. */
export const subjectOf = async (user: DevUser): Promise<string> => decodeJwt(await accessToken(user)).sub!;
