import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, TestApp } from './harness';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SCIM = { 'content-type': 'application/scim+json' };

/** Runs a command; false (and a loud warning once) when this environment cannot, e.g. not root. */
function tryRun(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

function skipLoudly(what: string, why: string): void {
  console.warn(`\n[scim-stream] ${what}: SKIPPED (${why}).\n`);
}

/**
 * A full disk and read-only data files, for real: the embedded store on a 2 MB tmpfs that a filler file fills,
 * and data files made immutable with `chattr +i` (chmod does not stop root). Both need root; each suite skips
 * loudly without it. The SQLite errors are SQLite's own (SQLITE_FULL, SQLITE_IOERR_WRITE); the SQLITE_READONLY
 * path is covered in src/store/embedded/embedded-storage-failure.spec.ts.
 */
describe('Storage failures (e2e)', () => {
  let t: TestApp | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const createUser = (userName: string) =>
    t!.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { ...t!.authHeader, ...SCIM },
      payload: { schemas: [USER_SCHEMA], userName },
    });
  const ready = () => t!.app.inject({ method: 'GET', url: '/health/ready' });

  /** Everything a client sees while the store cannot write. */
  async function expectUnavailableButReadable(existingId: string, reason: RegExp) {
    const refused = await createUser('during.outage');
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(refused.json()).toEqual({
      schemas: [ERROR_SCHEMA],
      status: '503',
      detail: expect.stringMatching(
        new RegExp(
          `^Service unavailable: the store cannot write \\(${reason.source}\\); nothing was changed`,
        ),
      ),
    });
    const patch = await t!.app.inject({
      method: 'PATCH',
      url: `/scim/v2/Users/${existingId}`,
      headers: { ...t!.authHeader, ...SCIM },
      payload: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'title', value: 'x' }],
      },
    });
    const remove = await t!.app.inject({
      method: 'DELETE',
      url: `/scim/v2/Users/${existingId}`,
      headers: t!.authHeader,
    });
    expect([patch.statusCode, remove.statusCode]).toEqual([503, 503]);

    // Reads keep working, and show nothing of the refused writes.
    const read = await t!.app.inject({
      method: 'GET',
      url: `/scim/v2/Users/${existingId}`,
      headers: t!.authHeader,
    });
    const list = await t!.app.inject({ method: 'GET', url: '/scim/v2/Users', headers: t!.authHeader });
    expect(read.statusCode).toBe(200);
    expect(read.json().title).toBeUndefined();
    expect(list.json().Resources.map((u: { userName: string }) => u.userName)).toEqual(['before.outage']);

    // A load balancer stops sending requests here; the process stays alive.
    const readiness = await ready();
    expect(readiness.statusCode).toBe(503);
    expect(readiness.json().error.store).toEqual({
      status: 'down',
      message: expect.stringMatching(new RegExp(`^The store cannot write: ${reason.source}$`)),
    });
    expect((await t!.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  }

  describe('on a full disk', () => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'scim-tmpfs-'));
    const mounted = tryRun('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint]);
    if (!mounted) skipLoudly('The full-disk suite', 'cannot mount a tmpfs here: needs root');
    const itMounted = mounted ? it : it.skip;

    afterAll(() => {
      if (mounted) tryRun('umount', [mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    });

    itMounted(
      'answers 503 with Retry-After, serves reads, fails readiness, and recovers by itself',
      async () => {
        const dataDir = join(mountPoint, 'data');
        mkdirSync(dataDir);
        t = await createTestApp({ dataDir });
        const existing = await createUser('before.outage');
        expect(existing.statusCode).toBe(201);
        expect((await ready()).statusCode).toBe(200);

        const filler = join(mountPoint, 'filler');
        try {
          writeFileSync(filler, Buffer.alloc(4 * 1024 * 1024));
        } catch (error) {
          expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
        }

        await expectUnavailableButReadable(existing.json().id, /the disk is full \(SQLITE_FULL\)/);

        unlinkSync(filler);

        expect((await ready()).statusCode).toBe(200);
        expect((await createUser('after.outage')).statusCode).toBe(201);
        // Durable, and nothing of the refused writes: a restart reads the same users.
        await t.close();
        t = await createTestApp({ dataDir });
        const list = await t.app.inject({ method: 'GET', url: '/scim/v2/Users', headers: t.authHeader });
        expect(
          list
            .json()
            .Resources.map((u: { userName: string }) => u.userName)
            .sort(),
        ).toEqual(['after.outage', 'before.outage']);
      },
    );
  });

  describe('with read-only data files', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scim-immutable-'));
    const canChattr = (() => {
      const probe = join(dataDir, 'probe');
      writeFileSync(probe, '');
      const ok = tryRun('chattr', ['+i', probe]) && tryRun('chattr', ['-i', probe]);
      unlinkSync(probe);
      return ok;
    })();
    if (!canChattr) skipLoudly('The read-only data files suite', 'chattr +i is not available: needs root');
    const itCanChattr = canChattr ? it : it.skip;
    const chattrAll = (flag: '+i' | '-i') => {
      for (const file of readdirSync(dataDir)) tryRun('chattr', [flag, join(dataDir, file)]);
    };

    afterAll(() => {
      if (canChattr) chattrAll('-i');
      rmSync(dataDir, { recursive: true, force: true });
    });

    itCanChattr(
      'answers 503 with Retry-After, serves reads, fails readiness, and recovers by itself',
      async () => {
        t = await createTestApp({ dataDir });
        const existing = await createUser('before.outage');
        expect(existing.statusCode).toBe(201);

        chattrAll('+i');
        try {
          await expectUnavailableButReadable(
            existing.json().id,
            /an I\/O error on the data files \(SQLITE_IOERR\w*\)/,
          );
        } finally {
          chattrAll('-i');
        }

        expect((await ready()).statusCode).toBe(200);
        expect((await createUser('after.outage')).statusCode).toBe(201);
      },
    );
  });
});
