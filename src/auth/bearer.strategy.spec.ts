import { BearerStrategy } from './bearer.strategy';
import { CredentialResolver } from './credential.resolver';
import type { Principal } from './principal';

const PRINCIPAL: Principal = { tenantId: 'default', credentialId: 'c', label: 'SCIM_TOKEN' };

function sut(): BearerStrategy {
  return new BearerStrategy({
    resolve: async (token: string) => (token === 'good' ? PRINCIPAL : null),
  } as CredentialResolver);
}

describe(BearerStrategy.name, () => {
  it('accepts a valid token from the Authorization header', async () => {
    await expect(sut().validate({ headers: { authorization: 'Bearer good' } }, 'good')).resolves.toBe(
      PRINCIPAL,
    );
  });

  it('accepts the scheme in any case', async () => {
    await expect(sut().validate({ headers: { authorization: 'bearer good' } }, 'good')).resolves.toBe(
      PRINCIPAL,
    );
  });

  it('refuses a token that came from the query or body instead of the header', async () => {
    await expect(sut().validate({ headers: {} }, 'good')).resolves.toBe(false);
  });

  it('refuses an invalid token', async () => {
    await expect(sut().validate({ headers: { authorization: 'Bearer bad' } }, 'bad')).resolves.toBe(false);
  });
});
