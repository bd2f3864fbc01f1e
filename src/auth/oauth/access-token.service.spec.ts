import { SignJWT } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { AccessTokenService, InvalidAccessTokenError } from './access-token.service';
import { hashClientSecret, secretFingerprint } from './client-secret';
import type { OAuthClient } from './oauth-clients.config';
import type { SigningKey } from './signing-key';

function testKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { alg: 'ES256', kid: 'kid-1', privateKey, publicKey, source: 'test' };
}

const KEY = testKey();
const CONFIG = {
  oauthIssuer: 'https://scim.example.com',
  oauthAudience: 'scim-api',
  oauthTokenTtlSeconds: 3600,
};
const HASH = hashClientSecret('s3cret');
const CLIENT: OAuthClient = {
  id: 'entra',
  tenantId: 'acme',
  scopes: ['scim'],
  disabled: false,
  secrets: [{ hash: HASH, fingerprint: secretFingerprint(HASH) }],
};
const NOW = new Date('2026-06-01T12:00:00.000Z');
const NOW_S = NOW.getTime() / 1000;

function service(config: Partial<typeof CONFIG> = {}, key: SigningKey = KEY): AccessTokenService {
  return new AccessTokenService({ ...CONFIG, ...config } as AppConfig, key);
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InvalidAccessTokenError) return error.message;
    throw error;
  }
  throw new Error('expected an InvalidAccessTokenError');
}

describe(AccessTokenService.name, () => {
  it('issues a JWT with the RFC 9068 claims, the tenant and the secret fingerprint', async () => {
    const sut = service();

    const issued = await sut.issue(CLIENT, CLIENT.secrets[0], ['scim'], NOW);

    expect(issued.expiresIn).toBe(3600);
    expect(issued.claims).toEqual({
      iss: 'https://scim.example.com',
      aud: 'scim-api',
      sub: 'entra',
      client_id: 'entra',
      tid: 'acme',
      secret_id: secretFingerprint(HASH),
      scope: 'scim',
      iat: NOW_S,
      exp: NOW_S + 3600,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('signs with the key algorithm, typ at+jwt and the key id (RFC 9068 §2.1)', async () => {
    const { token } = await service().issue(CLIENT, CLIENT.secrets[0], ['scim'], NOW);

    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toEqual({
      alg: 'ES256',
      typ: 'at+jwt',
      kid: 'kid-1',
    });
  });

  it('uses the configured lifetime', async () => {
    const issued = await service({ oauthTokenTtlSeconds: 21600 }).issue(CLIENT, CLIENT.secrets[0], [], NOW);

    expect([issued.expiresIn, issued.claims.exp - issued.claims.iat]).toEqual([21600, 21600]);
  });

  it('gives every token its own jti', async () => {
    const sut = service();

    const [a, b] = await Promise.all([
      sut.issue(CLIENT, CLIENT.secrets[0], [], NOW),
      sut.issue(CLIENT, CLIENT.secrets[0], [], NOW),
    ]);

    expect(a.claims.jti).not.toBe(b.claims.jti);
  });

  it('verifies its own token and returns the claims', async () => {
    const sut = service();
    const issued = await sut.issue(CLIENT, CLIENT.secrets[0], ['scim'], NOW);

    await expect(sut.verify(issued.token, NOW)).resolves.toEqual(issued.claims);
  });

  it('refuses a token once it has expired (beyond the clock tolerance)', async () => {
    const sut = service();
    const { token } = await sut.issue(CLIENT, CLIENT.secrets[0], [], NOW);

    await expect(sut.verify(token, new Date(NOW.getTime() + 3629_000))).resolves.toBeDefined();
    expect(await reasonOf(sut.verify(token, new Date(NOW.getTime() + 3631_000)))).toBe(
      'The access token has expired',
    );
  });

  it('refuses a token of another issuer', async () => {
    const { token } = await service({ oauthIssuer: 'someone-else' }).issue(
      CLIENT,
      CLIENT.secrets[0],
      [],
      NOW,
    );

    expect(await reasonOf(service().verify(token, NOW))).toBe(
      'The access token was issued by another issuer',
    );
  });

  it('refuses a token for another audience', async () => {
    const { token } = await service({ oauthAudience: 'other-api' }).issue(CLIENT, CLIENT.secrets[0], [], NOW);

    expect(await reasonOf(service().verify(token, NOW))).toBe(
      'The access token is meant for another audience',
    );
  });

  it('refuses a token signed with another key', async () => {
    const { token } = await service({}, testKey()).issue(CLIENT, CLIENT.secrets[0], [], NOW);

    expect(await reasonOf(service().verify(token, NOW))).toBe('The access token signature is invalid');
  });

  it('refuses a token whose payload was changed', async () => {
    const { token } = await service().issue(CLIENT, CLIENT.secrets[0], [], NOW);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const changed = Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url');

    expect(await reasonOf(service().verify(`${header}.${changed}.${signature}`, NOW))).toBe(
      'The access token signature is invalid',
    );
  });

  it('refuses an unsigned token (alg none)', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'entra' })).toString('base64url');

    expect(await reasonOf(service().verify(`${header}.${payload}.`, NOW))).toBe(
      'The access token is signed with another algorithm',
    );
  });

  it('refuses an HS256 token made with the public key as secret (algorithm confusion)', async () => {
    const secret = KEY.publicKey.export({ format: 'der', type: 'spki' });
    const token = await new SignJWT({ sub: 'entra' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .sign(secret);

    expect(await reasonOf(service().verify(token, NOW))).toBe(
      'The access token is signed with another algorithm',
    );
  });

  it('refuses a JWT of our key that is not an access token (typ)', async () => {
    const token = await new SignJWT({ ...validClaims() })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .sign(KEY.privateKey);

    expect(await reasonOf(service().verify(token, NOW))).toBe('The token is not an access token');
  });

  it('refuses a token without the claims the guard relies on', async () => {
    const { tid: _tid, ...claims } = validClaims();
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .sign(KEY.privateKey);

    expect(await reasonOf(service().verify(token, NOW))).toBe('The access token has no "tid" claim');
  });

  it('refuses a token older than 6 hours whatever its exp says', async () => {
    const token = await new SignJWT({ ...validClaims(), iat: NOW_S - 7 * 3600, exp: NOW_S + 3600 })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .sign(KEY.privateKey);

    expect(await reasonOf(service().verify(token, NOW))).toBe('The access token has expired');
  });

  it('refuses a token issued in the future', async () => {
    const token = await new SignJWT({ ...validClaims(), iat: NOW_S + 3600, exp: NOW_S + 7200 })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .sign(KEY.privateKey);

    expect(await reasonOf(service().verify(token, NOW))).toBe('The access token is not valid yet');
  });

  it('refuses garbage', async () => {
    expect(await reasonOf(service().verify('a.b.c', NOW))).toBe('The access token is malformed');
  });
});

function validClaims(): Record<string, unknown> {
  return {
    iss: CONFIG.oauthIssuer,
    aud: CONFIG.oauthAudience,
    sub: 'entra',
    client_id: 'entra',
    tid: 'acme',
    secret_id: 'x',
    scope: 'scim',
    iat: NOW_S,
    exp: NOW_S + 3600,
    jti: 'j',
  };
}
