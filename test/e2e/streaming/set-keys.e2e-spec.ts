/**
 * The SET signing keys over HTTP (issue "Standard streams"): the public JWKS, rotation in the admin API with
 * the old key still listed, and the same key after a restart on the same DATA_DIR.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, TestApp } from '../harness';
import { ADMIN_TOKEN } from '../support/tenants';
import { rotateSetKeys } from './set-streams.helpers';

describe('Standard streams: SET signing keys (e2e)', () => {
  let dataDir: string;
  let t: TestApp;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scim-set-keys-'));
    t = await createTestApp({ adminToken: ADMIN_TOKEN, dataDir });
  });

  afterEach(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const jwks = async (app: TestApp = t) => {
    const response = await app.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    return (response.json() as { keys: { kid: string; d?: string }[] }).keys;
  };

  it('publishes the public key without authentication; the same key after a restart', async () => {
    const keys = await jwks();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      use: 'sig',
      kid: expect.any(String),
    });
    expect(keys[0].d).toBeUndefined();
    await t.close();
    t = await createTestApp({ adminToken: ADMIN_TOKEN, dataDir });
    expect(await jwks()).toEqual(keys);
  });

  it('rotates in the admin API: both keys listed, the new one current', async () => {
    const [old] = await jwks();
    const denied = await t.app.inject({ method: 'POST', url: '/admin/set-keys/rotate', payload: {} });
    expect(denied.statusCode).toBe(401);
    expect((await rotateSetKeys(t, 1)).statusCode).toBe(400);
    const rotated = await rotateSetKeys(t, 3600);
    expect(rotated.statusCode).toBe(200);
    const listed = (rotated.json() as { keys: { kid: string; current: boolean; listedUntil?: string }[] })
      .keys;
    expect(listed.map((k) => k.current)).toEqual([true, false]);
    expect(listed[1]).toMatchObject({ kid: old.kid, listedUntil: expect.any(String) });
    expect((await jwks()).map((k) => k.kid)).toEqual([old.kid, listed[0].kid]);
  });
});
