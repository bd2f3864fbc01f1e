/**
 * Retention passing a stalled subscription (issue "Streaming", Failure suites): the consumer keeps failing,
 * JOURNAL_RETENTION_DAYS removes the events it never got (pruned when the embedded store opens), the
 * subscription becomes `expired` and says why; replay below the oldest kept event is refused naming it, and a
 * replay from it revives the subscription.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalEntryInput, ResourceRepository } from '../../../src/store/ports';
import { createTestApp, TestApp } from '../harness';
import { ADMIN_TOKEN, createTenantWithToken, issueToken } from '../support/tenants';
import { WebhookReceiver } from '../support/webhook-receiver';
import { StreamingClient } from './streaming.helpers';

const DAY_MS = 24 * 3600 * 1000;

function oldEntry(n: number): JournalEntryInput {
  return {
    time: new Date(Date.now() - 3 * DAY_MS).toISOString(),
    actor: { credentialId: 'c', label: 'Entra' },
    operation: 'create',
    resourceType: 'User',
    resourceId: `old-${n}`,
    changedAttributes: ['userName'],
  };
}

describe('Streaming: retention passing a stalled subscription (e2e)', () => {
  let dataDir: string;
  let t: TestApp | undefined;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scim-stream-expiry-'));
    await receiver.start();
  });

  afterAll(async () => {
    await t?.close();
    await receiver.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const boot = () =>
    createTestApp({
      adminToken: ADMIN_TOKEN,
      dataDir,
      journalRetentionDays: 1,
      streamRetryBaseMs: 20,
      streamRetryMaxMs: 50,
    });

  it('marks it expired, refuses a replay below the oldest kept event, and a replay from it delivers again', async () => {
    t = await boot();
    await createTenantWithToken(t, 'expiry');
    const resources = t.app.get(ResourceRepository);
    const { journalSeqs } = await resources.commit('expiry', { journal: [1, 2, 3].map(oldEntry) });
    receiver.answer = () => ({ status: 503 });
    let client = new StreamingClient(t, 'expiry', { authorization: '' });
    const sub = await client.subscribe({
      name: 'stalled',
      delivery: { method: 'webhook', url: receiver.url },
      startAt: { seq: journalSeqs[0] },
    });
    await client.waitForStatus(sub.id, (s) => s.status === 'failing');
    await t.close();

    // Reopening prunes the entries older than a day: the ones the subscription is stuck on.
    t = await boot();
    client = new StreamingClient(t, 'expiry', { authorization: `Bearer ${await issueToken(t, 'expiry')}` });
    const expired = await client.waitForStatus(sub.id, (s) => s.status === 'expired');

    expect(expired).toMatchObject({ state: 'expired', position: journalSeqs[0] - 1 });
    expect(expired.stateReason).toContain(
      `events ${journalSeqs[0]}..${journalSeqs[2]} were removed by JOURNAL_RETENTION_DAYS`,
    );
    // Kept: what came before the stale entries (the tenant's own admin entries) and everything after them.
    const oldest = journalSeqs[2] + 1;
    const kept =
      journalSeqs[0] === 1 ? `the oldest event kept is ${oldest}` : `the next event kept is ${oldest}`;
    const refused = await client.admin('POST', `/${sub.id}/replay`, { fromSeq: journalSeqs[0] });
    expect([refused.statusCode, refused.json().detail]).toEqual([
      400,
      `fromSeq ${journalSeqs[0]} is no longer kept (JOURNAL_RETENTION_DAYS): ${kept}`,
    ]);
    expect((await client.admin('PATCH', `/${sub.id}`, { state: 'active' })).statusCode).toBe(409);

    receiver.answer = () => ({ status: 204 });
    const before = receiver.received.length;
    const replayed = await client.admin('POST', `/${sub.id}/replay`, { fromSeq: oldest });
    expect(replayed.json()).toMatchObject({ status: 'active', position: oldest - 1 });
    const { headSeq } = await client.status(sub.id);
    await client.waitForStatus(sub.id, (s) => s.position === headSeq);
    const delivered = receiver.received.slice(before).map((r) => r.json.seq);
    expect(delivered[0]).toBe(oldest);
    expect(delivered).toEqual([...delivered].sort((a, b) => (a as number) - (b as number)));
  });
});
