import type { TestApp } from '../harness';

/** The ADMIN_TOKEN of the e2e apps that test the admin API. */
export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
export const ADMIN_HEADER = { authorization: `Bearer ${ADMIN_TOKEN}` };

export type Json = Record<string, unknown>;

/** Creates a tenant through the admin API and issues it a static token; returns its Authorization header. */
export async function createTenantWithToken(
  t: TestApp,
  id: string,
  settings?: Json,
): Promise<{ authorization: string }> {
  const created = await t.app.inject({
    method: 'POST',
    url: '/admin/tenants',
    headers: ADMIN_HEADER,
    payload: { id, name: `Tenant ${id}`, ...(settings ? { settings } : {}) },
  });
  if (created.statusCode !== 201)
    throw new Error(`creating tenant ${id}: ${created.statusCode} ${created.body}`);
  return { authorization: `Bearer ${await issueToken(t, id)}` };
}

export async function issueToken(
  t: TestApp,
  tenantId: string,
  body: Json = { label: 'e2e' },
): Promise<string> {
  const issued = await t.app.inject({
    method: 'POST',
    url: `/admin/tenants/${tenantId}/tokens`,
    headers: ADMIN_HEADER,
    payload: body,
  });
  if (issued.statusCode !== 201) throw new Error(`issuing a token: ${issued.statusCode} ${issued.body}`);
  return (issued.json() as { token: string }).token;
}

/** Creates an OAuth client of the tenant through the admin API; returns its id and first secret. */
export async function createOAuthClient(
  t: TestApp,
  tenantId: string,
  label = 'e2e client',
): Promise<{ clientId: string; clientSecret: string; secretId: string }> {
  const created = await t.app.inject({
    method: 'POST',
    url: `/admin/tenants/${tenantId}/oauth-clients`,
    headers: ADMIN_HEADER,
    payload: { label },
  });
  if (created.statusCode !== 201) throw new Error(`creating a client: ${created.statusCode} ${created.body}`);
  const body = created.json() as { clientId: string; clientSecret: string; secrets: { id: string }[] };
  return { clientId: body.clientId, clientSecret: body.clientSecret, secretId: body.secrets[0].id };
}

/** An access token of the client credentials grant (POST /oauth2/token, RFC 6749 §4.4). */
export async function oauthAccessToken(t: TestApp, clientId: string, clientSecret: string): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/oauth2/token',
    payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
  });
  if (response.statusCode !== 200) throw new Error(`token request: ${response.statusCode} ${response.body}`);
  return (response.json() as { access_token: string }).access_token;
}

/** A tenant reached with an OAuth access token of an admin-created client; returns its Authorization header. */
export async function createTenantWithOAuthClient(
  t: TestApp,
  id: string,
): Promise<{ authorization: string }> {
  const created = await t.app.inject({
    method: 'POST',
    url: '/admin/tenants',
    headers: ADMIN_HEADER,
    payload: { id, name: `Tenant ${id}` },
  });
  if (created.statusCode !== 201)
    throw new Error(`creating tenant ${id}: ${created.statusCode} ${created.body}`);
  const client = await createOAuthClient(t, id);
  return { authorization: `Bearer ${await oauthAccessToken(t, client.clientId, client.clientSecret)}` };
}
