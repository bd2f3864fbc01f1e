import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CURSOR_KEY_SECRET, LEGACY_CURSOR_KEY_FILE } from '../../src/resources/resources.module';
import { ServerSecretRepository } from '../../src/store/ports';
import { createTestApp, TestApp } from './harness';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * The RFC 9865 cursor key is kept in the store (shared by every replica of a database): cursors stay valid
 * across a restart, and the key file of an earlier release (DATA_DIR/cursor.key) is imported. One app at a
 * time (passport strategies are process-wide).
 */
describe('RFC 9865 cursor key in the store (e2e)', () => {
  const dataDirs: string[] = [];

  function freshDataDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'scim-cursor-key-'));
    dataDirs.push(dir);
    return dir;
  }
  afterEach(() => dataDirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  async function withApp<T>(dataDir: string, work: (t: TestApp) => Promise<T>): Promise<T> {
    const t = await createTestApp({ dataDir });
    try {
      return await work(t);
    } finally {
      await t.close();
    }
  }

  async function createUsers(t: TestApp, names: string[]): Promise<void> {
    for (const userName of names) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: t.authHeader,
        payload: { schemas: [USER_SCHEMA], userName },
      });
      expect(response.statusCode).toBe(201);
    }
  }

  function page(t: TestApp, cursor: string) {
    return t.app.inject({
      method: 'GET',
      url: `/scim/v2/Users?count=1&sortBy=userName&cursor=${encodeURIComponent(cursor)}`,
      headers: t.authHeader,
    });
  }

  async function nextCursorOf(t: TestApp): Promise<string> {
    const response = await page(t, '');
    expect(response.statusCode).toBe(200);
    return response.json<{ nextCursor: string }>().nextCursor;
  }

  it('keeps cursors valid across a restart, without a key file in DATA_DIR', async () => {
    const dataDir = freshDataDir();
    const cursor = await withApp(dataDir, async (t) => {
      await createUsers(t, ['alice', 'bob']);
      return nextCursorOf(t);
    });

    await withApp(dataDir, async (t) => {
      const response = await page(t, cursor);
      expect(response.statusCode).toBe(200);
      expect(response.json<{ Resources: { userName: string }[] }>().Resources[0].userName).toBe('bob');
    });
    expect(readdirSync(dataDir)).not.toContain(LEGACY_CURSOR_KEY_FILE);
  });

  it('imports the cursor.key of an earlier release, so the cursors it sealed stay valid', async () => {
    // A cursor sealed with a known key: issued by an app whose store holds that key.
    const key = randomBytes(32).toString('base64url');
    const issuer = freshDataDir();
    writeFileSync(join(issuer, LEGACY_CURSOR_KEY_FILE), key, { mode: 0o600 });
    const cursor = await withApp(issuer, async (t) => {
      await expect(
        t.app.get(ServerSecretRepository).getOrCreate(CURSOR_KEY_SECRET, () => 'none'),
      ).resolves.toBe(key);
      await createUsers(t, ['alice', 'bob']);
      return nextCursorOf(t);
    });

    // A fresh DATA_DIR holding only the legacy key file accepts it (its store has no users: an empty page).
    const upgraded = freshDataDir();
    writeFileSync(join(upgraded, LEGACY_CURSOR_KEY_FILE), `${key}\n`, { mode: 0o600 });
    await withApp(upgraded, async (t) => {
      expect((await page(t, cursor)).statusCode).toBe(200);
    });
    // Without the file, a new key is generated and the cursor is refused: the import is what made it valid.
    await withApp(freshDataDir(), async (t) => {
      const response = await page(t, cursor);
      expect([response.statusCode, response.json<{ scimType: string }>().scimType]).toEqual([
        400,
        'invalidCursor',
      ]);
    });
  });

  it('refuses to boot on a damaged cursor.key, naming it', async () => {
    const dataDir = freshDataDir();
    writeFileSync(join(dataDir, LEGACY_CURSOR_KEY_FILE), 'short');

    await expect(createTestApp({ dataDir })).rejects.toThrow(
      /^Invalid configuration: .*cursor\.key does not hold a usable cursor key/,
    );
  });
});
