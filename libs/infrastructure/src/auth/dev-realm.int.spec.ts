import { readFileSync } from 'node:fs';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { accessToken, serviceToken, type DevUser } from '../../../../test/support/tokens.js';
import { loadConfig } from '../config/config.js';
import { DEV_REALM_FILE } from './token-grants.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * The development realm (docker/local/keycloak/ledger-realm.json) as the local Keycloak serves it:
 * the tokens the apps will be given carry what the verifier and the ownership rules read.
 */
describe('the development realm at the local Keycloak', () => {
  const { oidc, paymentService } = loadConfig();
  const USERS: [DevUser, string][] = [['alice', 'customer'], ['bob', 'customer'], ['oscar', 'operator']];
  const audiences = (aud: unknown): unknown[] => (Array.isArray(aud) ? aud : [aud]);

  it.each(USERS)('%s gets an RS256 token for the APIs through the CLI client (password grant), with the role %s', async (user, role) => {
    const token = await accessToken(user);
    const claims = decodeJwt(token);
    expect(decodeProtectedHeader(token).alg).toBe('RS256');
    expect(claims).toMatchObject({ iss: oidc.issuer, azp: oidc.cliClientId, preferred_username: user, typ: 'Bearer' });
    expect(audiences(claims.aud)).toContain(oidc.audience);
    expect(claims.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect((claims['realm_access'] as { roles: string[] }).roles).toContain(role);
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(300);
  });

  it("gives each user the fixed id of the realm file as subject, so what they own outlives a re-import", async () => {
    const realm = JSON.parse(readFileSync(DEV_REALM_FILE, 'utf8')) as { users: { username: string; id: string }[] };
    const subjects = await Promise.all(USERS.map(async ([user]) => decodeJwt(await accessToken(user)).sub));
    expect(subjects).toEqual(USERS.map(([user]) => realm.users.find((u) => u.username === user)?.id));
    expect(new Set(subjects).size).toBe(USERS.length);
  });

  it('gives the payment service a token of its own (client credentials) with the payment-service role', async () => {
    const token = await serviceToken();
    const claims = decodeJwt(token);
    expect(decodeProtectedHeader(token).alg).toBe('RS256');
    expect(claims).toMatchObject({ iss: oidc.issuer, azp: paymentService.clientId });
    expect(audiences(claims.aud)).toContain(oidc.audience);
    expect(claims.sub).toEqual(expect.any(String));
    expect((claims['realm_access'] as { roles: string[] }).roles).toContain('payment-service');
  });

  it("passes the apps' verifier, which reads the caller from it", async () => {
    const verifier = new TokenVerifier(oidc);
    await expect(verifier.verify(await accessToken('alice'))).resolves.toMatchObject({ client: oidc.cliClientId, roles: ['customer'], username: 'alice' });
    await expect(verifier.verify(await accessToken('oscar'))).resolves.toMatchObject({ roles: ['operator'], username: 'oscar' });
    await expect(verifier.verify(await serviceToken())).resolves.toMatchObject({ client: paymentService.clientId, roles: ['payment-service'] });
  });
});
