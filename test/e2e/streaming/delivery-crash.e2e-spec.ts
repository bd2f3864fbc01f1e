/**
 * SIGKILL of the built server during delivery, 10 rounds (issue "Streaming", Failure suites): the position
 * is persisted only after an acknowledgement, so after every crash delivery resumes from it and every seq
 * arrives at least once (duplicates allowed, with the same id), in non-decreasing order within each run.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_TOKEN } from '../harness';
import { SERVER_ENTRY, ServerProcess, startServer } from '../server-process';
import { ADMIN_HEADER, ADMIN_TOKEN } from '../support/tenants';
import { WebhookReceiver } from '../support/webhook-receiver';
import { range, USER_SCHEMA } from './streaming.helpers';

const built = existsSync(SERVER_ENTRY);
if (!built) {
  console.warn(
    `\n[scim-stream] ${SERVER_ENTRY} is missing: the delivery crash e2e suite is SKIPPED (npm run build).\n`,
  );
}
const describeBuilt = built ? describe : describe.skip;
const ROUNDS = 10;
const env = {
  ADMIN_TOKEN,
  RATE_LIMIT_PER_SECOND: '0',
  STREAM_RETRY_BASE_MS: '50',
  STREAM_RETRY_MAX_MS: '200',
};

describeBuilt('Streaming: SIGKILL during delivery (e2e, built server)', () => {
  const receiver = new WebhookReceiver();
  let server: ServerProcess | undefined;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scim-stream-crash-'));
    await receiver.start();
    // A consumer that takes a little while: the kill lands while attempts are in flight.
    receiver.answer = () => ({ status: 204, delayMs: 3 });
  });

  afterAll(async () => {
    await server?.stop();
    await receiver.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function admin(method: string, path: string, body?: unknown) {
    const response = await fetch(`${server!.url}/admin/tenants/default${path}`, {
      method,
      headers: { ...ADMIN_HEADER, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as Record<string, any>;
  }

  /** Creates users as fast as the server answers, until it is killed. */
  async function writeUntilKilled(url: string, round: number, writer: number): Promise<number> {
    let written = 0;
    for (let n = 0; ; n++) {
      try {
        const response = await fetch(`${url}/scim/v2/Users`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/scim+json' },
          body: JSON.stringify({ schemas: [USER_SCHEMA], userName: `r${round}-w${writer}-${n}` }),
        });
        if (response.status === 201) written++;
      } catch {
        return written;
      }
    }
  }

  it('delivers every seq at least once across 10 crashes', async () => {
    server = await startServer({ dataDir, env });
    const sub = await admin('POST', '/subscriptions', {
      name: 'crash',
      delivery: { method: 'webhook', url: receiver.url },
      startAt: 'earliest',
    });
    receiver.secrets = [sub.secret];
    for (let round = 1; round <= ROUNDS; round++) {
      if (round > 1) server = await startServer({ dataDir, env });
      const url = server.url;
      const writers = [0, 1].map((w) => writeUntilKilled(url, round, w));
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 300));
      server.kill('SIGKILL');
      await server.exited;
      await Promise.all(writers);
    }
    server = await startServer({ dataDir, env });
    const deadline = Date.now() + 60_000;
    let status = await admin('GET', `/subscriptions/${sub.id}`);
    while (status.position < status.headSeq && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await admin('GET', `/subscriptions/${sub.id}`);
    }

    const seqs = new Set(receiver.events().map((e) => e.seq as number));
    const missing = range(sub.position + 1, status.headSeq).filter((seq) => !seqs.has(seq));
    expect([status.headSeq > 50, missing, status.position]).toEqual([true, [], status.headSeq]);
    expect(receiver.received.every((r) => r.verifiedWith[0] && r.headers['webhook-id'] === r.json.id)).toBe(
      true,
    );
  }, 180_000);
});
