import { StaticTokenRepository, TokenRecord } from '../store/ports';
import { StaticTokenVerifier } from './static-token.verifier';
import { hashToken } from './token-hash';
import { InactiveCredentialError } from './credential-verifier';

const TOKEN = 'the-secret-token-0123456789';
const RECORD: TokenRecord = {
  id: 'tok-1',
  tenantId: 't1',
  label: 'SCIM_TOKEN',
  hash: hashToken(TOKEN),
  createdAt: '2026-01-01T00:00:00.000Z',
  revoked: false,
};

// The verifier is given the token port only: the tenant check is CredentialResolver's (one tenant read per request).
function repository(token: TokenRecord | null): StaticTokenRepository {
  return {
    findTokenByHash: jest.fn(async (hash: string) => (token && token.hash === hash ? token : null)),
  } as unknown as StaticTokenRepository;
}

describe(StaticTokenVerifier.name, () => {
  it('resolves a valid token to its tenant', async () => {
    const sut = new StaticTokenVerifier(repository(RECORD));

    await expect(sut.verify(TOKEN)).resolves.toEqual({
      tenantId: 't1',
      credentialId: 'tok-1',
      label: 'SCIM_TOKEN',
    });
  });

  it('looks tokens up by their SHA-256, never by the token itself', async () => {
    const tenants = repository(RECORD);

    await new StaticTokenVerifier(tenants).verify(TOKEN);

    expect(tenants.findTokenByHash).toHaveBeenCalledWith(hashToken(TOKEN));
  });

  it('refuses an unknown token', async () => {
    await expect(
      new StaticTokenVerifier(repository(RECORD)).verify('another-token-0123456789'),
    ).resolves.toBeNull();
  });

  it('refuses a revoked token', async () => {
    await expect(
      new StaticTokenVerifier(repository({ ...RECORD, revoked: true })).verify(TOKEN),
    ).rejects.toBeInstanceOf(InactiveCredentialError);
  });

  it('refuses an expired token', async () => {
    const sut = new StaticTokenVerifier(repository({ ...RECORD, expiresAt: '2026-06-01T00:00:00.000Z' }));

    await expect(sut.verify(TOKEN, new Date('2026-06-01T00:00:00.000Z'))).rejects.toBeInstanceOf(
      InactiveCredentialError,
    );
  });

  it('accepts a token before its expiry', async () => {
    const sut = new StaticTokenVerifier(repository({ ...RECORD, expiresAt: '2026-06-01T00:00:00.000Z' }));

    await expect(sut.verify(TOKEN, new Date('2026-05-31T23:59:59.000Z'))).resolves.not.toBeNull();
  });
});
