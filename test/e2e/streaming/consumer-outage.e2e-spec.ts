/**
 * A consumer down for 30 s, then back (issue "Streaming", Failure suites): the events written meanwhile are
 * retried (backoff shortened through STREAM_RETRY_BASE_MS / STREAM_RETRY_MAX_MS) and all arrive, in order.
 */
import { createTestApp, TestApp } from '../harness';
import { ADMIN_TOKEN, createTenantWithToken } from '../support/tenants';
import { WebhookReceiver } from '../support/webhook-receiver';
import { range, StreamingClient } from './streaming.helpers';

const OUTAGE_MS = 30_000;

describe('Streaming: consumer outage (e2e)', () => {
  let t: TestApp;
  const receiver = new WebhookReceiver();

  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  it('delivers everything written during a 30 s outage, in seq order, once the consumer is back', async () => {
    t = await createTestApp({ adminToken: ADMIN_TOKEN, streamRetryBaseMs: 200, streamRetryMaxMs: 2000 });
    const client = new StreamingClient(t, 'outage', await createTenantWithToken(t, 'outage'));
    await receiver.start();
    const port = receiver.port;
    const sub = await client.subscribe({
      name: 'outage',
      delivery: { method: 'webhook', url: receiver.url },
    });
    receiver.secrets = [sub.secret!];
    await receiver.waitForSeq(sub.position + 1);
    await receiver.stop();
    const downSince = Date.now();

    for (let i = 0; i < 20; i++) await client.createUser(`down${i}`);
    const failing = await client.waitForStatus(sub.id, (s) => s.status === 'failing');
    expect(failing.lastError?.detail).toMatch(/connection failed/);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - downSince))));
    await receiver.start(port);
    const { headSeq } = await client.status(sub.id);

    await receiver.waitForSeq(headSeq, 20_000);

    const seqs = receiver.events().map((e) => e.seq as number);
    expect(seqs).toEqual(range(sub.position + 1, headSeq));
    expect(receiver.received.every((r) => r.verifiedWith[0])).toBe(true);
    await expect(client.waitForStatus(sub.id, (s) => s.position === headSeq)).resolves.toMatchObject({
      status: 'active',
      lag: 0,
    });
  }, 90_000);
});
