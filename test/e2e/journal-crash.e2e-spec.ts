import { existsSync, rmSync } from 'node:fs';
import type { JournalEntry } from '../../src/store/ports';
import { TEST_TOKEN } from './harness';
import { SERVER_ENTRY, ServerProcess, startServer } from './server-process';
import { ADMIN_HEADER, ADMIN_TOKEN } from './support/tenants';

/** Runs against the BUILT server (`npm run build` first; CI builds before testing). */
const built = existsSync(SERVER_ENTRY);
if (!built) {
  console.warn(
    `\n[scim-stream] ${SERVER_ENTRY} is missing: the journal crash e2e suite is SKIPPED (run npm run build).\n`,
  );
}
const describeBuilt = built ? describe : describe.skip;

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const WRITERS = 4;
const WRITE_FOR_MS = 1500;

/** A write the server answered with success before it was killed. */
interface Acknowledged {
  requestId: string;
  method: 'POST' | 'PATCH' | 'DELETE';
  resourceId: string;
  /** meta.version after the write; for a DELETE, the version the user had (only its writer changes it). */
  version: string;
}

describeBuilt('Change journal across a SIGKILL (e2e, built server)', () => {
  let server: ServerProcess | undefined;
  let dataDir: string | undefined;

  afterEach(async () => {
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    server = undefined;
    dataDir = undefined;
  });

  /** One client: creates users, patches and deletes its own users, as fast as the server answers. */
  async function writeUntilKilled(url: string, writer: number, acknowledged: Acknowledged[]): Promise<void> {
    const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/scim+json' };
    const live: { id: string; version: string; active: boolean }[] = [];
    for (let n = 1; ; n++) {
      const requestId = `w${writer}-${n}`;
      const kind = live.length === 0 || n % 4 === 1 ? 'POST' : n % 4 === 0 ? 'DELETE' : 'PATCH';
      try {
        if (kind === 'POST') {
          const response = await fetch(`${url}/scim/v2/Users`, {
            method: 'POST',
            headers: { ...headers, 'x-request-id': requestId },
            body: JSON.stringify({
              schemas: [USER_SCHEMA],
              userName: `${requestId}@example.com`,
              active: true,
            }),
          });
          if (response.status !== 201) throw new Error(`POST answered ${response.status}`);
          const body = (await response.json()) as { id: string; meta: { version: string } };
          live.push({ id: body.id, version: body.meta.version, active: true });
          acknowledged.push({ requestId, method: 'POST', resourceId: body.id, version: body.meta.version });
        } else if (kind === 'PATCH') {
          const user = live[n % live.length];
          const response = await fetch(`${url}/scim/v2/Users/${user.id}`, {
            method: 'PATCH',
            headers: { ...headers, 'x-request-id': requestId },
            body: JSON.stringify({
              schemas: [PATCH_SCHEMA],
              Operations: [{ op: 'replace', value: { active: !user.active, title: requestId } }],
            }),
          });
          if (response.status !== 200) throw new Error(`PATCH answered ${response.status}`);
          const body = (await response.json()) as { meta: { version: string } };
          user.version = body.meta.version;
          user.active = !user.active;
          acknowledged.push({ requestId, method: 'PATCH', resourceId: user.id, version: user.version });
        } else {
          const user = live.shift()!;
          const response = await fetch(`${url}/scim/v2/Users/${user.id}`, {
            method: 'DELETE',
            headers: { authorization: headers.authorization, 'x-request-id': requestId },
          });
          if (response.status !== 204) throw new Error(`DELETE answered ${response.status}`);
          acknowledged.push({ requestId, method: 'DELETE', resourceId: user.id, version: user.version });
        }
      } catch (error) {
        // The kill: the connection is refused or reset. Anything else is a failure of the test itself.
        if (error instanceof Error && /answered/.test(error.message)) throw error;
        return;
      }
    }
  }

  /** Lets the clients write for `ms`, and on a slow machine until `minimum` writes are acknowledged (≤ 10 s). */
  async function letThemWrite(ms: number, acknowledged: Acknowledged[], minimum: number): Promise<void> {
    const deadline = Date.now() + 10000;
    await new Promise((resolve) => setTimeout(resolve, ms));
    while (acknowledged.length < minimum && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function readWholeJournal(url: string): Promise<JournalEntry[]> {
    const entries: JournalEntry[] = [];
    for (let since = 0; ;) {
      const response = await fetch(`${url}/admin/tenants/default/journal?since=${since}&limit=1000`, {
        headers: ADMIN_HEADER,
      });
      expect(response.status).toBe(200);
      const page = (await response.json()) as { entries: JournalEntry[]; nextSince: number };
      if (page.entries.length === 0) return entries;
      entries.push(...page.entries);
      since = page.nextSince;
    }
  }

  it('has an entry for every write acknowledged before the kill, numbered 1..N without gaps', async () => {
    // No rate limit: the clients write as fast as the server answers.
    const env = { ADMIN_TOKEN, RATE_LIMIT_PER_SECOND: '0' };
    server = await startServer({ env });
    dataDir = server.dataDir;
    const acknowledged: Acknowledged[] = [];
    const url = server.url;
    const writers = Array.from({ length: WRITERS }, (_, w) => writeUntilKilled(url, w, acknowledged));
    await letThemWrite(WRITE_FOR_MS, acknowledged, 50);
    server.kill('SIGKILL');
    expect((await server.exited).signal).toBe('SIGKILL');
    await Promise.all(writers);

    server = await startServer({ dataDir, env });
    const entries = await readWholeJournal(server.url);

    expect(acknowledged.length).toBeGreaterThan(50);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    const byRequest = new Map(entries.map((e) => [e.requestId, e]));
    const missing = acknowledged.filter((a) => {
      const entry = byRequest.get(a.requestId);
      return !entry || entry.resourceId !== a.resourceId || entry.version !== a.version;
    });
    expect(missing).toEqual([]);
    const operations = new Set(entries.map((e) => e.operation));
    expect([...operations].sort()).toEqual(
      expect.arrayContaining(['activate', 'create', 'deactivate', 'delete']),
    );
  });

  it('keeps the journal and the data in step: each surviving user is at its last journaled version', async () => {
    const env = { ADMIN_TOKEN, RATE_LIMIT_PER_SECOND: '0' };
    server = await startServer({ env });
    dataDir = server.dataDir;
    const acknowledged: Acknowledged[] = [];
    const url = server.url;
    const writers = Array.from({ length: WRITERS }, (_, w) => writeUntilKilled(url, w, acknowledged));
    await letThemWrite(WRITE_FOR_MS / 2, acknowledged, 20);
    server.kill('SIGKILL');
    await server.exited;
    await Promise.all(writers);

    server = await startServer({ dataDir, env });
    const last = new Map<string, JournalEntry>();
    for (const entry of await readWholeJournal(server.url)) last.set(entry.resourceId, entry);
    const headers = { authorization: `Bearer ${TEST_TOKEN}` };
    const mismatches: string[] = [];
    for (const [id, entry] of last) {
      const response = await fetch(`${server.url}/scim/v2/Users/${id}`, { headers });
      const version =
        response.status === 200
          ? ((await response.json()) as { meta: { version: string } }).meta.version
          : undefined;
      const expected = entry.operation === 'delete' ? undefined : entry.version;
      if (version !== expected)
        mismatches.push(`${id}: stored ${version}, journal ${entry.operation} ${entry.version}`);
    }
    expect([last.size > 0, mismatches]).toEqual([true, []]);
  });
});
