import { generateKeyPairSync } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { ScimError } from '../../scim/errors';
import { OAuthClientRepository } from '../../store/ports';
import { AccessTokenService } from './access-token.service';
import { hashClientSecret, secretFingerprint } from './client-secret';
import { invalidToken, JwtCredentialVerifier } from './jwt-credential.verifier';
import { OAuthClientRegistry } from './oauth-client.registry';
import type { OAuthClient } from './oauth-clients.config';
import type { SigningKey } from './signing-key';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const KEY: SigningKey = { alg: 'ES256', kid: 'k', privateKey, publicKey, source: 'test' };
const CONFIG = {
  oauthIssuer: 'scim-stream',
  oauthAudience: 'scim-stream',
  oauthTokenTtlSeconds: 3600,
} as AppConfig;
const TOKENS = new AccessTokenService(CONFIG, KEY);
const HASH = hashClientSecret('s1');
const HASH_2 = hashClientSecret('s2');
const CLIENT: OAuthClient = {
  id: 'entra',
  name: 'Entra',
  tenantId: 'acme',
  scopes: ['scim'],
  disabled: false,
  secrets: [
    { hash: HASH, fingerprint: secretFingerprint(HASH) },
    { hash: HASH_2, fingerprint: secretFingerprint(HASH_2) },
  ],
};
const NO_STORE = { findOAuthClient: async () => null } as unknown as OAuthClientRepository;

function sut(clients: OAuthClient[] = [CLIENT]): JwtCredentialVerifier {
  return new JwtCredentialVerifier(TOKENS, new OAuthClientRegistry(clients, NO_STORE));
}

async function tokenOf(client: OAuthClient = CLIENT, secret = 0): Promise<string> {
  return (await TOKENS.issue(client, client.secrets[secret], ['scim'])).token;
}

async function errorOf(promise: Promise<unknown>): Promise<ScimError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe(JwtCredentialVerifier.name, () => {
  it('resolves a valid access token to its client and tenant', async () => {
    await expect(sut().verify(await tokenOf())).resolves.toEqual({
      tenantId: 'acme',
      credentialId: 'oauth:entra',
      label: 'Entra',
      scopes: ['scim'],
      // A cache of verified credentials keeps it no longer than `exp` (src/auth/credential-cache.ts).
      validUntil: expect.any(Number),
    });
  });

  it('grants the scopes of the token that its client still has (narrowing a client applies to issued tokens)', async () => {
    const wide = { ...CLIENT, scopes: ['scim', 'scim.read', 'scim.write'] };
    const token = (await TOKENS.issue(wide, wide.secrets[0], ['scim.read', 'scim.write'])).token;

    await expect(sut([wide]).verify(token)).resolves.toMatchObject({ scopes: ['scim.read', 'scim.write'] });
    await expect(sut([{ ...wide, scopes: ['scim.read'] }]).verify(token)).resolves.toMatchObject({
      scopes: ['scim.read'],
    });
  });

  it('labels the principal with the client id when the client has no name', async () => {
    const unnamed = { ...CLIENT, name: undefined };

    await expect(sut([unnamed]).verify(await tokenOf(unnamed))).resolves.toMatchObject({ label: 'entra' });
  });

  it('leaves credentials that are not JWTs to the other verifiers', async () => {
    await expect(sut().verify('e2e-test-token-0123456789abcdef')).resolves.toBeNull();
  });

  it('refuses an invalid JWT with 401 and an RFC 6750 invalid_token challenge', async () => {
    const error = await errorOf(sut().verify('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'));

    expect(error.status).toBe(401);
    expect(error.headers['WWW-Authenticate']).toMatch(
      /^Bearer realm="scim", error="invalid_token", error_description="/,
    );
  });

  it('refuses an expired token', async () => {
    const token = await tokenOf();

    const error = await errorOf(sut().verify(token, new Date(Date.now() + 2 * 3600_000)));

    expect(error.detail).toBe('The access token has expired');
  });

  it('refuses the token of a client that was removed', async () => {
    const token = await tokenOf();

    expect((await errorOf(sut([]).verify(token))).detail).toBe(
      'The OAuth client of this access token is disabled or no longer exists',
    );
  });

  it('refuses the token of a client that was disabled', async () => {
    const token = await tokenOf();

    expect((await errorOf(sut([{ ...CLIENT, disabled: true }]).verify(token))).status).toBe(401);
  });

  it('refuses the token of a client that moved to another tenant', async () => {
    const token = await tokenOf();

    expect((await errorOf(sut([{ ...CLIENT, tenantId: 'other' }]).verify(token))).status).toBe(401);
  });

  it('refuses a token obtained with a secret that was removed, and keeps the others', async () => {
    const first = await tokenOf(CLIENT, 0);
    const second = await tokenOf(CLIENT, 1);
    const rotated = sut([{ ...CLIENT, secrets: [CLIENT.secrets[1]] }]);

    expect((await errorOf(rotated.verify(first))).detail).toBe(
      'The client secret that obtained this access token has been removed',
    );
    await expect(rotated.verify(second)).resolves.not.toBeNull();
  });
});

describe(invalidToken.name, () => {
  it('keeps quotes out of the challenge', () => {
    expect(invalidToken('a "quoted" \\ text').headers['WWW-Authenticate']).toBe(
      'Bearer realm="scim", error="invalid_token", error_description="a quoted  text"',
    );
  });
});
