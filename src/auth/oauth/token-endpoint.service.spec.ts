import { Logger } from '@nestjs/common';
import { generateKeyPairSync } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { OAuthClientRepository, TenantRecord, TenantRepository } from '../../store/ports';
import { AccessTokenService } from './access-token.service';
import { hashClientSecret, secretFingerprint } from './client-secret';
import { OAuthClientRegistry } from './oauth-client.registry';
import type { OAuthClient } from './oauth-clients.config';
import type { SigningKey } from './signing-key';
import { OAuthError } from './oauth-error';
import { grantedScopes, TokenEndpointService, tokenRequestParams } from './token-endpoint.service';

function testKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { alg: 'ES256', kid: 'k', privateKey, publicKey, source: 'test' };
}

const CONFIG = { oauthIssuer: 'iss', oauthAudience: 'aud', oauthTokenTtlSeconds: 7200 } as AppConfig;
const CLIENT: OAuthClient = {
  id: 'entra',
  tenantId: 'default',
  scopes: ['scim', 'scim.read'],
  disabled: false,
  secrets: [{ hash: hashClientSecret('s3cret'), fingerprint: secretFingerprint(hashClientSecret('s3cret')) }],
};
const TENANT: TenantRecord = { id: 'default', name: 'D', disabled: false, createdAt: '' };
const BASIC = `Basic ${Buffer.from('entra:s3cret').toString('base64')}`;

async function sut(tenant: TenantRecord | null = TENANT) {
  const tenants = {
    findTenant: async (id: string) => (tenant?.id === id ? tenant : null),
  } as unknown as TenantRepository;
  const storedClients = { findOAuthClient: async () => null } as unknown as OAuthClientRepository;
  const tokens = new AccessTokenService(CONFIG, testKey());
  return {
    endpoint: new TokenEndpointService(new OAuthClientRegistry([CLIENT], storedClients), tokens, tenants),
    tokens,
  };
}

async function errorOf(promise: Promise<unknown>): Promise<OAuthError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
  throw new Error('expected an OAuthError');
}

describe(TokenEndpointService.name, () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers an RFC 6749 §5.1 response with a token for the client', async () => {
    const { endpoint, tokens } = await sut();

    const response = await endpoint.handle(BASIC, { grant_type: 'client_credentials' });

    expect(response).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 7200,
      scope: 'scim scim.read',
    });
    await expect(tokens.verify(response.access_token)).resolves.toMatchObject({
      sub: 'entra',
      tid: 'default',
    });
  });

  it('refuses a missing grant_type with invalid_request', async () => {
    const { endpoint } = await sut();

    expect((await errorOf(endpoint.handle(BASIC, {}))).error).toBe('invalid_request');
  });

  it('refuses another grant_type with unsupported_grant_type', async () => {
    const { endpoint } = await sut();

    const error = await errorOf(endpoint.handle(BASIC, { grant_type: 'authorization_code', code: 'x' }));

    expect([error.error, error.status]).toEqual(['unsupported_grant_type', 400]);
  });

  it('refuses wrong credentials with invalid_client and a generic description', async () => {
    const { endpoint } = await sut();

    const error = await errorOf(
      endpoint.handle(undefined, {
        grant_type: 'client_credentials',
        client_id: 'entra',
        client_secret: 'no',
      }),
    );

    expect(error.toBody()).toEqual({
      error: 'invalid_client',
      error_description: 'Client authentication failed',
    });
    expect(error.status).toBe(401);
  });

  it('refuses a client whose tenant is disabled like any failed authentication', async () => {
    const { endpoint } = await sut({ ...TENANT, disabled: true });

    const error = await errorOf(endpoint.handle(BASIC, { grant_type: 'client_credentials' }));

    expect(error.toBody()).toEqual({
      error: 'invalid_client',
      error_description: 'Client authentication failed',
    });
  });

  it('refuses a scope outside the allowed ones with invalid_scope', async () => {
    const { endpoint } = await sut();

    const error = await errorOf(endpoint.handle(BASIC, { grant_type: 'client_credentials', scope: 'admin' }));

    expect(error.error).toBe('invalid_scope');
  });

  it('refuses a JSON body that is not an object of strings with invalid_request', async () => {
    const { endpoint } = await sut();

    expect((await errorOf(endpoint.handle(BASIC, { grant_type: ['client_credentials'] }))).error).toBe(
      'invalid_request',
    );
  });
});

describe(grantedScopes.name, () => {
  it('grants every allowed scope when none is requested', () => {
    expect(grantedScopes(undefined, ['scim', 'x'])).toEqual(['scim', 'x']);
  });

  it('treats an empty scope parameter as none', () => {
    expect(grantedScopes('  ', ['scim'])).toEqual(['scim']);
  });

  it('grants the requested subset, without repetitions', () => {
    expect(grantedScopes('x scim x', ['scim', 'x', 'y'])).toEqual(['x', 'scim']);
  });

  it('refuses a scope that is not allowed', () => {
    expect(() => grantedScopes('scim admin', ['scim'])).toThrow(/"admin" is not allowed/);
  });

  it('refuses a malformed scope token (RFC 6749 §3.3)', () => {
    expect(() => grantedScopes('sc"im', ['scim'])).toThrow(/Malformed scope/);
  });
});

describe(tokenRequestParams.name, () => {
  it('has no parameters without a body', () => {
    expect(tokenRequestParams(undefined)).toEqual({});
  });

  it('keeps an object of strings', () => {
    expect(tokenRequestParams({ grant_type: 'client_credentials' })).toEqual({
      grant_type: 'client_credentials',
    });
  });

  it('refuses an array or a string body', () => {
    expect(() => tokenRequestParams(['x'])).toThrow(OAuthError);
    expect(() => tokenRequestParams('grant_type=client_credentials')).toThrow(OAuthError);
  });

  it('refuses a non-string parameter', () => {
    expect(() => tokenRequestParams({ grant_type: 1 })).toThrow('Parameter "grant_type" must be a string');
  });
});
