import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { IdentityProviderUnavailableError, InvalidTokenError, TokenVerifier } from './token-verifier.js';

/**
 * The verifier's checks, with tokens this test signs itself: the negative cases a real provider
 * will not issue (expired, wrong issuer or audience, `alg: none`, a tampered signature, an unknown
 * key) and a key rotation. The keys are served over HTTP as a provider serves them (discovery
 * document and JWKS), so the verifier fetches, caches and refetches them as it does in the apps.
 * The same checks run against Keycloak's real tokens in the identity end-to-end test.
 */
describe('TokenVerifier (a JWKS served over HTTP)', () => {
  let server: Server;
  let issuer: string;
  let published: JWK[] = [];
  let jwksFetches = 0;
  let providerUp = true;
  const audience = 'ledger-api';

  const keyPair = async (kid: string): Promise<{ kid: string; privateKey: CryptoKey; jwk: JWK }> => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
  };

  const sign = (key: { kid: string; privateKey: CryptoKey }, claims: Record<string, unknown> = {}, options: { iss?: string; aud?: string; exp?: number | string } = {}): Promise<string> =>
    new SignJWT({ realm_access: { roles: ['customer', 'offline_access'] }, azp: 'ledger-cli', preferred_username: 'alice', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setSubject('subject-1')
      .setIssuer(options.iss ?? issuer)
      .setAudience(options.aud ?? audience)
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '5m')
      .sign(key.privateKey);

  const COOLDOWN_MS = 200;
  const verifier = (): TokenVerifier => new TokenVerifier({ issuer, jwksUrl: null, tokenUrl: null, audience, clockToleranceS: 0, cliClientId: 'ledger-cli' }, COOLDOWN_MS);

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (!providerUp) return void response.writeHead(503).end();
      if (request.url === '/realms/test/.well-known/openid-configuration') {
        return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer, jwks_uri: `${issuer}/certs` }));
      }
      if (request.url === '/realms/test/certs') {
        jwksFetches += 1;
        return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
      }
      response.writeHead(404).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/test`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));
  beforeEach(() => {
    providerUp = true;
    jwksFetches = 0;
  });

  it('accepts a token signed by a published key, for this issuer and audience, and reads the caller from it', async () => {
    const key = await keyPair('k1');
    published = [key.jwk];
    await expect(verifier().verify(await sign(key))).resolves.toEqual({ subject: 'subject-1', client: 'ledger-cli', roles: ['customer'], username: 'alice' });
  });

  it.each([
    ['expired', { exp: Math.floor(Date.now() / 1000) - 60 }, /expired/],
    ['from another issuer', { iss: 'http://127.0.0.1:1/realms/other' }, /iss/],
    ['for another audience', { aud: 'another-api' }, /aud/],
  ])('refuses a token %s', async (_, options, reason) => {
    const key = await keyPair('k1');
    published = [key.jwk];
    await expect(verifier().verify(await sign(key, {}, options))).rejects.toThrow(reason);
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const key = await keyPair('k1');
    published = [key.jwk];
    const [, payload] = (await sign(key)).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    await expect(verifier().verify(`${header}.${payload}.`)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const key = await keyPair('k1');
    published = [key.jwk];
    const [header, payload, signature] = (await sign(key)).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, realm_access: { roles: ['operator'] } })).toString('base64url');
    await expect(verifier().verify(`${header}.${forged}.${signature}`)).rejects.toThrow(/signature/);
  });

  it('refuses a token signed by a key the issuer does not publish, even one that claims a published key id', async () => {
    const [published1, stranger] = [await keyPair('k1'), await keyPair('k1')];
    published = [published1.jwk];
    await expect(verifier().verify(await sign(stranger))).rejects.toThrow(/signature/);
    const unknown = await keyPair('k-unknown');
    await expect(verifier().verify(await sign(unknown))).rejects.toThrow(/key the issuer does not publish/);
  });

  it('refuses a token without a subject', async () => {
    const key = await keyPair('k1');
    published = [key.jwk];
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(issuer).setAudience(audience).setExpirationTime('5m').sign(key.privateKey);
    await expect(verifier().verify(token)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('follows a key rotation: the keys are cached, and fetched again when a token names a new key id', async () => {
    const [old, next] = [await keyPair('k-old'), await keyPair('k-new')];
    published = [old.jwk];
    const v = verifier();
    await v.verify(await sign(old));
    await v.verify(await sign(old));
    expect(jwksFetches).toBe(1);
    published = [old.jwk, next.jwk]; // the provider publishes the new key, then signs with it
    await new Promise((done) => setTimeout(done, COOLDOWN_MS + 50)); // at most one fetch per cooldown, whatever kids tokens name
    await expect(v.verify(await sign(next))).resolves.toMatchObject({ subject: 'subject-1' });
    expect(jwksFetches).toBe(2);
    published = [next.jwk]; // the old key retired; the cached set still holds it until the set is fetched again
    await expect(v.verify(await sign(old))).resolves.toBeDefined();
    expect(jwksFetches).toBe(2);
  });

  it('takes a token it verified as verified again until it expires, and refuses it from then on', async () => {
    const key = await keyPair('k-short');
    published = [key.jwk];
    const v = verifier();
    const token = await sign(key, {}, { exp: Math.floor(Date.now() / 1000) + 2 });
    await expect(v.verify(token)).resolves.toMatchObject({ subject: 'subject-1' });
    // Its key withdrawn and the set fetched again: the token verified a moment ago is still taken.
    const other = await keyPair('k-other');
    published = [other.jwk];
    await new Promise((done) => setTimeout(done, COOLDOWN_MS + 50));
    await v.verify(await sign(other));
    await expect(v.verify(token)).resolves.toMatchObject({ subject: 'subject-1' });
    // Never past its expiry.
    await new Promise((done) => setTimeout(done, 2_100));
    await expect(v.verify(token)).rejects.toThrow(InvalidTokenError);
  });

  it('does not take a token that differs from one it verified, however little', async () => {
    const key = await keyPair('k-same');
    published = [key.jwk];
    const v = verifier();
    const token = await sign(key);
    await v.verify(token);
    const [header, payload, signature] = token.split('.');
    const forged = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'somebody-else' };
    await expect(v.verify(`${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`)).rejects.toThrow(InvalidTokenError);
  });

  it('says the provider is unavailable (not that the token is bad) when its keys cannot be fetched', async () => {
    const key = await keyPair('k1');
    published = [key.jwk];
    providerUp = false;
    const v = verifier();
    await expect(v.verify(await sign(key))).rejects.toBeInstanceOf(IdentityProviderUnavailableError);
    providerUp = true;
    await expect(v.verify(await sign(key))).resolves.toBeDefined(); // and recovers once it answers
  });
});
