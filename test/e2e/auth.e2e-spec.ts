import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, TEST_TOKEN, TestApp } from './harness';
import { PROBE_BASE, ProbeModule } from './support/probe.controller';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const WHOAMI = `${PROBE_BASE}/whoami`;

describe('Bearer authentication (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({}, { imports: [ProbeModule] });
  });
  afterAll(() => t.close());

  it('refuses a request without a token with 401 and a Bearer challenge', async () => {
    const response = await t.app.inject({ method: 'GET', url: WHOAMI });

    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="scim"');
    expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(response.json()).toEqual({
      schemas: [ERROR_SCHEMA],
      status: '401',
      detail: 'Authentication required: send "Authorization: Bearer <token>"',
    });
  });

  it('refuses a wrong token with 401 and a Bearer challenge', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: WHOAMI,
      headers: { authorization: 'Bearer not-the-token-0123456789' },
    });

    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="scim"');
    expect(response.json()).toEqual({
      schemas: [ERROR_SCHEMA],
      status: '401',
      detail: 'The bearer token is invalid, expired or revoked',
    });
  });

  it('refuses another authentication scheme', async () => {
    const basic = Buffer.from(`user:${TEST_TOKEN}`).toString('base64');

    const response = await t.app.inject({
      method: 'GET',
      url: WHOAMI,
      headers: { authorization: `Basic ${basic}` },
    });

    expect(response.statusCode).toBe(401);
  });

  it('refuses the token as a query parameter (it would end up in access logs)', async () => {
    const response = await t.app.inject({ method: 'GET', url: `${WHOAMI}?access_token=${TEST_TOKEN}` });

    expect(response.statusCode).toBe(401);
  });

  it('accepts the configured token and resolves it to the default tenant', async () => {
    const response = await t.app.inject({ method: 'GET', url: WHOAMI, headers: t.authHeader });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      tenantId: 'default',
      credentialId: expect.any(String),
      label: 'SCIM_TOKEN',
    });
  });

  it('lets @Public() routes through without a token', async () => {
    const response = await t.app.inject({ method: 'GET', url: `${PROBE_BASE}/public` });

    expect(response.statusCode).toBe(200);
  });

  it('never writes the token to the log', async () => {
    await t.app.inject({ method: 'GET', url: WHOAMI, headers: t.authHeader });
    await t.app.inject({ method: 'GET', url: `${PROBE_BASE}/boom`, headers: t.authHeader });

    expect(t.logs.text()).not.toContain(TEST_TOKEN);
  });
});

describe('Token bootstrap (e2e)', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'scim-e2e-boot-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  function generatedTokenIn(t: TestApp): string[] {
    return t.logs
      .lines()
      .map((l) => /generated bearer token for tenant "default": (\S+)/.exec(String(l.msg))?.[1])
      .filter((token): token is string => token !== undefined);
  }

  async function whoami(t: TestApp, token: string): Promise<number> {
    return (await t.app.inject({ method: 'GET', url: WHOAMI, headers: { authorization: `Bearer ${token}` } }))
      .statusCode;
  }

  it('generates a token on first boot without SCIM_TOKEN, prints it once as a warning, and accepts it', async () => {
    const t = await createTestApp({ dataDir, scimToken: undefined }, { imports: [ProbeModule] });
    try {
      const tokens = generatedTokenIn(t);
      expect(tokens).toHaveLength(1);
      const line = t.logs.lines().find((l) => String(l.msg).includes(tokens[0]));
      expect(line?.level).toBe('warn');
      expect(t.logs.text().split(tokens[0])).toHaveLength(2);
      expect(await whoami(t, tokens[0])).toBe(200);
      expect(await whoami(t, 'anything-else-0123456789')).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('does not print a token again on the next boot, and the first one still works', async () => {
    const first = await createTestApp({ dataDir, scimToken: undefined }, { imports: [ProbeModule] });
    const [token] = generatedTokenIn(first);
    await first.close();

    const second = await createTestApp({ dataDir, scimToken: undefined }, { imports: [ProbeModule] });
    try {
      expect(generatedTokenIn(second)).toEqual([]);
      expect(second.logs.text()).not.toContain(token);
      expect(await whoami(second, token)).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('revokes the previous SCIM_TOKEN when it changes', async () => {
    const first = await createTestApp(
      { dataDir, scimToken: 'first-env-token-0123456789' },
      { imports: [ProbeModule] },
    );
    await first.close();

    const second = await createTestApp(
      { dataDir, scimToken: 'second-env-token-0123456789' },
      { imports: [ProbeModule] },
    );
    try {
      expect(await whoami(second, 'first-env-token-0123456789')).toBe(401);
      expect(await whoami(second, 'second-env-token-0123456789')).toBe(200);
    } finally {
      await second.close();
    }
  });
});
