import { SignJWT } from 'jose';
import { generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CREDENTIAL_CACHE_TTL_MS } from '../../src/auth/credential-cache';
import { secretFingerprint } from '../../src/auth/oauth/client-secret';
import { generateClientSecret, hashClientSecret } from '../../src/auth/oauth/client-secret';
import { LEGACY_SIGNING_KEY_FILE, SigningKey } from '../../src/auth/oauth/signing-key';
import { StaticTokenVerifier } from '../../src/auth/static-token.verifier';
import { hashToken } from '../../src/auth/token-hash';
import { AppConfigValues, PACKAGE_CONFIG_DIR } from '../../src/config/load-config';
import { OAuthClientRepository, StaticTokenRepository } from '../../src/store/ports';
import { createTestApp, TEST_TOKEN, TestApp } from './harness';
import { PROBE_BASE, ProbeModule } from './support/probe.controller';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const TOKEN_URL = '/oauth2/token';
const USERS = '/scim/v2/Users';
const WHOAMI = `${PROBE_BASE}/whoami`;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

const SECRET_1 = generateClientSecret();
const SECRET_2 = generateClientSecret();
const OTHER_SECRET = generateClientSecret();

interface ClientDeclaration {
  id: string;
  tenant?: string;
  name?: string;
  scopes?: string[];
  disabled?: boolean;
  secrets: { hash: string; label?: string; notAfter?: string }[];
}

const ENTRA: ClientDeclaration = {
  id: 'entra',
  name: 'Entra provisioning',
  scopes: ['scim', 'scim.read'],
  secrets: [
    { hash: hashClientSecret(SECRET_1), label: 'first' },
    { hash: hashClientSecret(SECRET_2), label: 'second' },
  ],
};
const OTHER: ClientDeclaration = { id: 'other', secrets: [{ hash: hashClientSecret(OTHER_SECRET) }] };
const DISABLED: ClientDeclaration = {
  id: 'disabled',
  disabled: true,
  secrets: [{ hash: hashClientSecret(OTHER_SECRET) }],
};
const EXPIRED_SECRET: ClientDeclaration = {
  id: 'expired',
  secrets: [{ hash: hashClientSecret(OTHER_SECRET), notAfter: '2020-01-01T00:00:00Z' }],
};
const CLIENTS = [ENTRA, OTHER, DISABLED, EXPIRED_SECRET];

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

function form(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

/** An ES256 access token for client "entra" (secret 1) signed with `key`, with claims of our choosing. */
async function forgeWith(
  key: KeyObject,
  overrides: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: 'scim-stream',
    aud: 'scim-stream',
    sub: 'entra',
    client_id: 'entra',
    tid: 'default',
    secret_id: secretFingerprint(hashClientSecret(SECRET_1)),
    scope: 'scim',
    iat: now,
    exp: now + 3600,
    jti: randomUUID(),
    ...overrides,
  };
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', ...header }).sign(key);
}

/** The failed-authentication throttle is off unless a test is about it: these suites fail on purpose a lot. */
async function bootApp(
  clients: ClientDeclaration[],
  dataDir?: string,
  overrides: Partial<AppConfigValues> = {},
): Promise<TestApp> {
  return createTestApp(
    {
      oauthClients: JSON.stringify(clients),
      authFailureLimitPerMinute: 0,
      ...(dataDir ? { dataDir } : {}),
      ...overrides,
    },
    { imports: [ProbeModule] },
  );
}

describe('OAuth 2.0 client credentials (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootApp(CLIENTS);
  });
  afterAll(() => t.close());

  function requestToken(payload: string, headers: Record<string, string> = {}) {
    return t.app.inject({ method: 'POST', url: TOKEN_URL, headers: { ...FORM, ...headers }, payload });
  }

  async function tokenOf(id = 'entra', secret = SECRET_1): Promise<string> {
    const response = await requestToken(form({ grant_type: 'client_credentials' }), {
      authorization: basic(id, secret),
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ access_token: string }>().access_token;
  }

  function scim(token: string, url = USERS) {
    return t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  }

  /** A token signed with the server's own key, with claims of our choosing. */
  function forge(overrides: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
    return forgeWith(t.app.get(SigningKey, { strict: false }).privateKey, overrides, header);
  }

  describe('token endpoint', () => {
    it('issues a bearer token to a client authenticated with HTTP Basic (client_secret_basic)', async () => {
      const response = await requestToken(form({ grant_type: 'client_credentials' }), {
        authorization: basic('entra', SECRET_1),
      });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'scim scim.read',
      });
    });

    it('answers with Cache-Control: no-store and Pragma: no-cache as JSON (RFC 6749 §5.1)', async () => {
      const response = await requestToken(form({ grant_type: 'client_credentials' }), {
        authorization: basic('entra', SECRET_1),
      });

      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers.pragma).toBe('no-cache');
      expect(response.headers['content-type']).toMatch(/^application\/json/);
    });

    it('issues a token to a client authenticated with form fields (client_secret_post)', async () => {
      const response = await requestToken(
        form({ grant_type: 'client_credentials', client_id: 'entra', client_secret: SECRET_1 }),
      );

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    });

    it('accepts Basic and form credentials in one request when they agree', async () => {
      const response = await requestToken(
        form({ grant_type: 'client_credentials', client_id: 'entra', client_secret: SECRET_1 }),
        { authorization: basic('entra', SECRET_1) },
      );

      expect(response.statusCode).toBe(200);
    });

    it('refuses Basic and form credentials naming different clients with invalid_request', async () => {
      const response = await requestToken(
        form({ grant_type: 'client_credentials', client_id: 'other', client_secret: OTHER_SECRET }),
        { authorization: basic('entra', SECRET_1) },
      );

      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    });

    it('refuses Basic and form credentials with different secrets with invalid_request', async () => {
      const response = await requestToken(
        form({ grant_type: 'client_credentials', client_id: 'entra', client_secret: SECRET_2 }),
        { authorization: basic('entra', SECRET_1) },
      );

      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('invalid_request');
    });

    it('refuses a wrong secret with 401 invalid_client and a Basic challenge', async () => {
      const response = await requestToken(form({ grant_type: 'client_credentials' }), {
        authorization: basic('entra', OTHER_SECRET),
      });

      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Basic realm="scim-stream"');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.json()).toEqual({
        error: 'invalid_client',
        error_description: 'Client authentication failed',
      });
    });

    it('answers an unknown client exactly like a wrong secret', async () => {
      const wrongSecret = await requestToken(form({ grant_type: 'client_credentials' }), {
        authorization: basic('entra', OTHER_SECRET),
      });
      const unknownClient = await requestToken(form({ grant_type: 'client_credentials' }), {
        authorization: basic('nobody', SECRET_1),
      });

      expect(unknownClient.statusCode).toBe(wrongSecret.statusCode);
      expect(unknownClient.headers['www-authenticate']).toBe(wrongSecret.headers['www-authenticate']);
      expect(unknownClient.body).toBe(wrongSecret.body);
    });

    it('answers a disabled client and an expired secret like a wrong secret', async () => {
      for (const id of ['disabled', 'expired']) {
        const response = await requestToken(
          form({ grant_type: 'client_credentials', client_id: id, client_secret: OTHER_SECRET }),
        );

        expect(response.statusCode).toBe(401);
        expect(response.json()).toEqual({
          error: 'invalid_client',
          error_description: 'Client authentication failed',
        });
      }
    });

    it('refuses a request without client credentials with 401 invalid_client', async () => {
      const response = await requestToken(form({ grant_type: 'client_credentials' }));

      expect(response.statusCode).toBe(401);
      expect(response.json().error).toBe('invalid_client');
    });

    it('refuses a request without grant_type with invalid_request', async () => {
      const response = await requestToken(form({ client_id: 'entra', client_secret: SECRET_1 }));

      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    });

    it('refuses another grant type with unsupported_grant_type', async () => {
      const response = await requestToken(form({ grant_type: 'password', username: 'u', password: 'p' }), {
        authorization: basic('entra', SECRET_1),
      });

      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('unsupported_grant_type');
    });

    it('grants a requested subset of the allowed scopes', async () => {
      const response = await requestToken(form({ grant_type: 'client_credentials', scope: 'scim.read' }), {
        authorization: basic('entra', SECRET_1),
      });

      expect(response.statusCode).toBe(200);
      expect(response.json().scope).toBe('scim.read');
    });

    it('refuses a scope the client may not have with invalid_scope', async () => {
      const response = await requestToken(form({ grant_type: 'client_credentials', scope: 'scim admin' }), {
        authorization: basic('entra', SECRET_1),
      });

      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('invalid_scope');
    });

    it('refuses a parameter sent twice with invalid_request (RFC 6749 §3.2)', async () => {
      const response = await requestToken('grant_type=client_credentials&scope=scim&scope=scim.read', {
        authorization: basic('entra', SECRET_1),
      });

      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: 'invalid_request',
        error_description: expect.stringContaining('"scope"'),
      });
    });

    it('accepts a JSON body', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: TOKEN_URL,
        headers: { 'content-type': 'application/json' },
        payload: { grant_type: 'client_credentials', client_id: 'entra', client_secret: SECRET_2 },
      });

      expect(response.statusCode).toBe(200);
      expect(response.json().token_type).toBe('Bearer');
    });

    it('answers malformed JSON with an OAuth error, not a SCIM error', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: TOKEN_URL,
        headers: { 'content-type': 'application/json' },
        payload: '{"grant_type":',
      });

      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json()).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    });

    it('answers an unsupported media type with an OAuth error', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: TOKEN_URL,
        headers: { 'content-type': 'text/plain' },
        payload: 'grant_type=client_credentials',
      });

      expect(response.statusCode).toBe(415);
      expect(response.json().error).toBe('invalid_request');
    });

    it('keeps refusing form bodies on SCIM routes with a SCIM 415', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: USERS,
        headers: { ...FORM, ...t.authHeader },
        payload: 'userName=alice',
      });

      expect(response.statusCode).toBe(415);
      expect(response.json().schemas).toEqual([ERROR_SCHEMA]);
    });

    it('needs no bearer token itself', async () => {
      const response = await requestToken(form({ grant_type: 'client_credentials' }), {
        authorization: basic('other', OTHER_SECRET),
      });

      expect(response.statusCode).toBe(200);
    });
  });

  describe('access tokens at the SCIM endpoints', () => {
    it('lets an issued token call GET /scim/v2/Users', async () => {
      const response = await scim(await tokenOf());

      expect(response.statusCode).toBe(200);
      expect(response.json().schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    });

    it('resolves the token to the client and its tenant', async () => {
      const response = await scim(await tokenOf(), WHOAMI);

      expect(response.json()).toEqual({
        tenantId: 'default',
        credentialId: 'oauth:entra',
        label: 'Entra provisioning',
        scopes: ['scim', 'scim.read'],
      });
    });

    it('accepts the tokens of every active secret of a client (rotation)', async () => {
      const first = await scim(await tokenOf('entra', SECRET_1));
      const second = await scim(await tokenOf('entra', SECRET_2));

      expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    });

    it('refuses a tampered token with 401 invalid_token and a SCIM error body', async () => {
      const [header, payload, signature] = (await tokenOf()).split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const tampered = Buffer.from(JSON.stringify({ ...claims, tid: 'acme' })).toString('base64url');

      const response = await scim(`${header}.${tampered}.${signature}`);

      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="scim", error="invalid_token"/);
      expect(response.json()).toEqual({
        schemas: [ERROR_SCHEMA],
        status: '401',
        detail: 'The access token signature is invalid',
      });
    });

    it('refuses a token for another audience', async () => {
      const response = await scim(await forge({ aud: 'https://graph.microsoft.com' }));

      expect(response.statusCode).toBe(401);
      expect(response.json().detail).toBe('The access token is meant for another audience');
    });

    it('refuses a token of another issuer', async () => {
      const response = await scim(await forge({ iss: 'https://sts.windows.net/x/' }));

      expect(response.statusCode).toBe(401);
      expect(response.json().detail).toBe('The access token was issued by another issuer');
    });

    it('refuses an expired token', async () => {
      const past = Math.floor(Date.now() / 1000) - 7200;

      const response = await scim(await forge({ iat: past, exp: past + 3600 }));

      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(response.json().detail).toBe('The access token has expired');
    });

    it('accepts a token it signed itself with the right claims (the forging helper is faithful)', async () => {
      const response = await scim(await forge({}));

      expect(response.statusCode).toBe(200);
    });

    it('refuses an unsigned token (alg none)', async () => {
      const unsigned = (await forge({})).split('.');
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');

      const response = await scim(`${header}.${unsigned[1]}.x`);

      expect(response.statusCode).toBe(401);
    });

    it('refuses a token of a client that is disabled', async () => {
      const response = await scim(await forge({ sub: 'disabled', client_id: 'disabled' }));

      expect(response.statusCode).toBe(401);
      expect(response.json().detail).toMatch(/client .* disabled or no longer exists/);
    });

    it('advertises OAuth 2.0 client credentials in ServiceProviderConfig', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/scim/v2/ServiceProviderConfig',
        headers: { ...t.authHeader, host: 'scim.example.com' },
      });

      expect(response.json().authenticationSchemes).toEqual([
        expect.objectContaining({ type: 'oauthbearertoken', primary: true }),
        expect.objectContaining({
          type: 'oauth2',
          description: expect.stringContaining('POST http://scim.example.com/oauth2/token'),
        }),
      ]);
    });
  });

  describe('clients kept in the store (admin API)', () => {
    it('issues tokens to a stored client and refuses them once the client is revoked', async () => {
      const clients = t.app.get(OAuthClientRepository);
      const secret = generateClientSecret();
      await clients.insertOAuthClient({
        clientId: 'stored',
        tenantId: 'default',
        label: 'Stored client',
        createdAt: new Date().toISOString(),
        revoked: false,
        secrets: [{ id: 'sec-1', hash: hashToken(secret), createdAt: new Date().toISOString() }],
      });
      const token = await tokenOf('stored', secret);
      expect((await scim(token)).statusCode).toBe(200);

      // Straight in the store (as another replica's admin API would): seen once this replica's cache of
      // verified credentials has let the token go; the admin API of this replica empties it at once.
      await clients.revokeOAuthClient('default', 'stored');
      await new Promise((resolve) => setTimeout(resolve, CREDENTIAL_CACHE_TTL_MS + 50));

      expect((await scim(token)).statusCode).toBe(401);
      const refused = await requestToken(form({ grant_type: 'client_credentials' }), {
        authorization: basic('stored', secret),
      });
      expect(refused.statusCode).toBe(401);
    });
  });

  describe('logs', () => {
    it('never contain client secrets or access tokens', async () => {
      const token = await tokenOf('entra', SECRET_2);
      await scim(token);
      const wrong = generateClientSecret();
      await requestToken(
        form({ grant_type: 'client_credentials', client_id: 'entra', client_secret: wrong }),
      );

      const text = t.logs.text();
      expect(text).toContain('Issued an access token to client \\"entra\\"');
      for (const secret of [SECRET_1, SECRET_2, OTHER_SECRET, wrong, token]) {
        expect(text).not.toContain(secret);
      }
    });
  });

  describe('the static token beside OAuth', () => {
    it('still works', async () => {
      const response = await t.app.inject({ method: 'GET', url: USERS, headers: t.authHeader });

      expect(response.statusCode).toBe(200);
    });

    it('never expires on its own (Entra quarantines a job whose token expires)', async () => {
      const records = await t.app.get(StaticTokenRepository).listTokens('default');
      const scimToken = records.find((r) => r.label === 'SCIM_TOKEN');

      expect(scimToken?.expiresAt).toBeUndefined();
      await expect(
        t.app.get(StaticTokenVerifier).verify(TEST_TOKEN, new Date('2199-12-31T00:00:00Z')),
      ).resolves.toMatchObject({ tenantId: 'default', label: 'SCIM_TOKEN' });
    });
  });
});

describe('OAuth across restarts (e2e)', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'scim-oauth-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  async function issue(t: TestApp, id: string, secret: string): Promise<string> {
    const response = await t.app.inject({
      method: 'POST',
      url: TOKEN_URL,
      headers: FORM,
      payload: form({ grant_type: 'client_credentials', client_id: id, client_secret: secret }),
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ access_token: string }>().access_token;
  }

  async function status(t: TestApp, token: string): Promise<number> {
    const response = await t.app.inject({
      method: 'GET',
      url: USERS,
      headers: { authorization: `Bearer ${token}` },
    });
    return response.statusCode;
  }

  it('keeps the generated signing key in the store, not in a file, so tokens survive a restart', async () => {
    const first = await bootApp(CLIENTS, dataDir);
    const token = await issue(first, 'entra', SECRET_1);
    await first.close();

    const second = await bootApp(CLIENTS, dataDir);
    try {
      expect(await status(second, token)).toBe(200);
      expect(readdirSync(dataDir)).not.toContain(LEGACY_SIGNING_KEY_FILE);
    } finally {
      await second.close();
    }
  });

  it('imports the key file of an earlier release, so the tokens it signed stay valid, also once it is gone', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const legacyFile = join(dataDir, LEGACY_SIGNING_KEY_FILE);
    writeFileSync(
      legacyFile,
      JSON.stringify({
        alg: 'ES256',
        kid: 'k',
        createdAt: new Date().toISOString(),
        jwk: privateKey.export({ format: 'jwk' }),
      }),
      { mode: 0o600 },
    );
    const token = await forgeWith(privateKey);

    const first = await bootApp(CLIENTS, dataDir);
    try {
      expect(await status(first, token)).toBe(200);
      expect(first.logs.text()).toContain('Imported the OAuth token signing key');
    } finally {
      await first.close();
    }
    unlinkSync(legacyFile);
    const second = await bootApp(CLIENTS, dataDir);
    try {
      expect(await status(second, token)).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('refuses the tokens of a client removed from the configuration', async () => {
    const first = await bootApp(CLIENTS, dataDir);
    const removed = await issue(first, 'other', OTHER_SECRET);
    const kept = await issue(first, 'entra', SECRET_1);
    await first.close();

    const second = await bootApp([ENTRA], dataDir);
    try {
      expect(await status(second, removed)).toBe(401);
      expect(await status(second, kept)).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('refuses the tokens obtained with a secret removed from the configuration', async () => {
    const first = await bootApp(CLIENTS, dataDir);
    const fromFirst = await issue(first, 'entra', SECRET_1);
    const fromSecond = await issue(first, 'entra', SECRET_2);
    await first.close();

    const second = await bootApp([{ ...ENTRA, secrets: [ENTRA.secrets[1]] }], dataDir);
    try {
      expect(await status(second, fromFirst)).toBe(401);
      expect(await status(second, fromSecond)).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('refuses tokens signed with another key (OAUTH_SIGNING_KEY changed)', async () => {
    const first = await bootApp(CLIENTS, dataDir);
    const token = await issue(first, 'entra', SECRET_1);
    await first.close();

    const second = await bootApp(CLIENTS, dataDir, { oauthSigningKey: generateClientSecret() });
    try {
      expect(await status(second, token)).toBe(401);
      expect(await status(second, await issue(second, 'entra', SECRET_1))).toBe(200);
    } finally {
      await second.close();
    }
  });
});

describe('OAuth clients from CONFIG_DIR/oauth-clients.json (e2e)', () => {
  let configDir: string;

  beforeEach(() => {
    configDir = mkdtempSync(join(tmpdir(), 'scim-oauth-config-'));
    copyFileSync(join(PACKAGE_CONFIG_DIR, 'default.json'), join(configDir, 'default.json'));
  });
  afterEach(() => rmSync(configDir, { recursive: true, force: true }));

  it('issues tokens to the clients declared in the file', async () => {
    writeFileSync(
      join(configDir, 'oauth-clients.json'),
      JSON.stringify({
        $comment: 'test',
        clients: [{ id: 'filed', secrets: [{ hash: hashClientSecret(SECRET_1) }] }],
      }),
    );
    const t = await createTestApp({ configDir, authFailureLimitPerMinute: 0 });
    try {
      const response = await t.app.inject({
        method: 'POST',
        url: TOKEN_URL,
        headers: { ...FORM, authorization: basic('filed', SECRET_1) },
        payload: form({ grant_type: 'client_credentials' }),
      });

      expect(response.statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('refuses to boot with an invalid client declaration, naming the file and the problem', async () => {
    writeFileSync(
      join(configDir, 'oauth-clients.json'),
      JSON.stringify({ clients: [{ id: 'bad id', secrets: [{ hash: 'plain-text-secret' }] }] }),
    );

    await expect(createTestApp({ configDir })).rejects.toThrow(
      /oauth-clients\.json: clients\[0\]\.id must be .*; clients\[0\]\.secrets\[0\]\.hash must be/,
    );
  });
});

describe('OAuth and the failed-authentication throttle (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootApp(CLIENTS, undefined, { authFailureLimitPerMinute: 2 });
  });
  afterAll(() => t.close());

  function attempt(secret: string) {
    return t.app.inject({
      method: 'POST',
      url: TOKEN_URL,
      headers: { ...FORM, authorization: basic('entra', secret) },
      payload: form({ grant_type: 'client_credentials' }),
    });
  }

  it('counts failed client authentications and then answers 429 with an OAuth error to that secret only', async () => {
    const wrong = generateClientSecret();
    expect((await attempt(wrong)).statusCode).toBe(401);
    expect((await attempt(wrong)).statusCode).toBe(401);

    const blocked = await attempt(wrong);
    const right = await attempt(SECRET_1);

    expect(right.statusCode).toBe(200);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.json()).toEqual({
      error: 'temporarily_unavailable',
      error_description: expect.stringContaining('Too many failed authentication attempts'),
    });
  });
});
