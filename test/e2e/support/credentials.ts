import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { generateToken, hashToken } from '../../../src/auth/token-hash';
import { StaticTokenRepository, TenantRepository, TenantSettings } from '../../../src/store/ports';

export interface TestCredential {
  token: string;
  tokenId: string;
  authHeader: { authorization: string };
}

/** Creates (or updates) a tenant directly in the store of `app`. */
export async function upsertTenant(
  app: NestFastifyApplication,
  tenantId: string,
  settings?: TenantSettings,
): Promise<void> {
  await app.get(TenantRepository).upsertTenant({
    id: tenantId,
    name: tenantId,
    disabled: false,
    createdAt: new Date().toISOString(),
    ...(settings ? { settings } : {}),
  });
}

/**
 * Adds a bearer token to a tenant directly in the store of `app`. Passing the same token and tokenId to two
 * apps makes them see one credential, as replicas sharing one database do.
 */
export async function addCredential(
  app: NestFastifyApplication,
  tenantId: string,
  options: { token?: string; tokenId?: string } = {},
): Promise<TestCredential> {
  const token = options.token ?? generateToken();
  const tokenId = options.tokenId ?? randomUUID();
  await app.get(StaticTokenRepository).insertToken({
    id: tokenId,
    tenantId,
    label: 'test',
    hash: hashToken(token),
    createdAt: new Date().toISOString(),
    revoked: false,
  });
  return { token, tokenId, authHeader: { authorization: `Bearer ${token}` } };
}

/** A client address of the benchmarking range 198.18.0.0/16 (RFC 2544), distinct per call, as X-Forwarded-For. */
let lastOctets = Math.floor(Math.random() * 60000);
export function freshClientAddress(): { 'x-forwarded-for': string } {
  lastOctets = (lastOctets + 1) % 65536;
  return { 'x-forwarded-for': `198.18.${lastOctets >> 8}.${lastOctets & 255}` };
}

/** An OAuth 2.0 client-credentials access token (RFC 6749 §4.4) from /oauth2/token, as an Authorization value. */
export async function clientCredentialsToken(
  app: { inject: NestFastifyApplication['inject'] },
  clientId: string,
  secret: string,
  scope?: string,
): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/oauth2/token',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      ...(scope ? { scope } : {}),
    }).toString(),
  });
  expect(response.statusCode).toBe(200);
  return `Bearer ${(response.json() as { access_token: string }).access_token}`;
}
