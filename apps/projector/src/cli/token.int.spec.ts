import { decodeJwt } from 'jose';
import { testConfig } from '#infra/testing/test-config';
import { issueToken } from './token.js';

/** `ledger token` against the local Keycloak and its development realm. */
describe('issueToken (the CLI token command)', () => {
  const config = testConfig();

  it("gives a user's token with the development realm's password when none is given", async () => {
    expect(decodeJwt(await issueToken(config, { user: 'bob' }))).toMatchObject({ preferred_username: 'bob', azp: config.oidc.cliClientId });
  });

  it("gives the payment service's token from the configured client credentials, by flag or by name", async () => {
    for (const request of [{ service: true }, { user: config.paymentService.clientId }]) {
      expect(decodeJwt(await issueToken(config, request))).toMatchObject({ azp: config.paymentService.clientId });
    }
  });

  it('fails naming the provider and its refusal when the password is wrong', async () => {
    await expect(issueToken(config, { user: 'alice', password: 'not-her-password' })).rejects.toThrow(/identity provider .*invalid_grant/);
  });

  it('fails on a user with no password given and none in the development realm', async () => {
    await expect(issueToken(config, { user: 'mallory' }, () => null)).rejects.toThrow('no password for mallory');
  });

  it('fails naming the provider when it cannot be reached', async () => {
    const nowhere = { ...config, oidc: { ...config.oidc, issuer: 'http://127.0.0.1:9/realms/ledger', tokenUrl: null } };
    await expect(issueToken(nowhere, { user: 'alice' })).rejects.toThrow('http://127.0.0.1:9/realms/ledger');
  });
});
