import { mock } from 'jest-mock-extended';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { AppConfig } from '../../config/app-config';
import type { SubscriptionRecord } from '../subscription';
import { SubscriptionSecrets } from '../subscription-secrets';
import { toStreamEvent } from '../stream-event';
import { WebhookTransport } from './webhook.transport';
import { WebhookUrlPolicy } from './webhook-url.policy';

interface Seen {
  headers: IncomingMessage['headers'];
  body: string;
}

describe(WebhookTransport.name, () => {
  let server: Server;
  let base: string;
  let respond: (res: import('node:http').ServerResponse) => void;
  const seen: Seen[] = [];
  const secret = SubscriptionSecrets.newWebhookSecret();
  const secrets = mock<SubscriptionSecrets>();
  secrets.signingSecrets.mockResolvedValue([secret]);

  const events = [1, 2].map((seq) =>
    toStreamEvent({
      tenantId: 'contoso',
      seq,
      time: '2026-01-01T00:00:00.000Z',
      actor: { credentialId: 'c', label: 'Entra' },
      operation: 'create',
      resourceType: 'User',
      resourceId: `u${seq}`,
      changedAttributes: ['userName'],
    }),
  );

  function sut(allowList?: string) {
    return new WebhookTransport(
      secrets,
      new WebhookUrlPolicy({ webhookAllowedHosts: allowList } as AppConfig),
    );
  }

  function subscription(delivery: Partial<{ url: string; maxBatchSize: number; timeoutMs: number }> = {}) {
    return {
      id: 's',
      delivery: { method: 'webhook', url: `${base}/hook`, ...delivery },
    } as SubscriptionRecord;
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        respond(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
    respond = (res) => res.writeHead(204).end();
  });

  it('posts one event as JSON, signed over the exact bytes sent', async () => {
    const outcome = await sut().deliver(subscription(), [events[0]], new AbortController().signal);

    expect(outcome).toEqual({ kind: 'acknowledged', status: 204 });
    expect(JSON.parse(seen[0].body)).toEqual(events[0]);
    expect(seen[0].headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': 'contoso:1' });
    const headers = Object.fromEntries(Object.entries(seen[0].headers).map(([k, v]) => [k, String(v)]));
    expect(new Webhook(secret).verify(seen[0].body, headers)).toEqual(events[0]);
  });

  it('posts {"events": [...]} when batching, webhook-id naming the last event', async () => {
    await sut().deliver(subscription({ maxBatchSize: 10 }), events, new AbortController().signal);

    expect(seen[0].body).toBe(JSON.stringify({ events })); // byte for byte: the signature covers these bytes
    expect(seen[0].headers['webhook-id']).toBe('contoso:2');
  });

  it('does not follow a redirect', async () => {
    respond = (res) => res.writeHead(302, { location: `${base}/elsewhere` }).end();

    const outcome = await sut().deliver(subscription(), [events[0]], new AbortController().signal);

    expect(outcome).toMatchObject({ kind: 'retry', status: 302 });
    expect(seen).toHaveLength(1);
  });

  it('gives up an attempt after timeoutMs', async () => {
    respond = (res) => setTimeout(() => res.writeHead(204).end(), 500);

    const outcome = await sut().deliver(
      subscription({ timeoutMs: 100 }),
      [events[0]],
      new AbortController().signal,
    );

    expect(outcome).toEqual({ kind: 'retry', detail: 'no answer within 100 ms (timeout)' });
  });

  it('reports a refused connection as worth a retry', async () => {
    const outcome = await sut().deliver(
      subscription({ url: 'http://127.0.0.1:1/x' }),
      [events[0]],
      new AbortController().signal,
    );

    expect(outcome).toMatchObject({ kind: 'retry', detail: expect.stringContaining('connection failed') });
  });

  it('checks the URL against WEBHOOK_ALLOWED_HOSTS before the attempt, and sends nothing when refused', async () => {
    const outcome = await sut('hooks.example.com').deliver(
      subscription(),
      [events[0]],
      new AbortController().signal,
    );

    expect(outcome).toEqual({
      kind: 'gone',
      detail: 'url host "127.0.0.1" is not allowed by WEBHOOK_ALLOWED_HOSTS',
    });
    expect(seen).toEqual([]);
  });

  it('aborts the attempt in flight at shutdown', async () => {
    respond = (res) => setTimeout(() => res.writeHead(204).end(), 1000);
    const shutdown = new AbortController();

    const pending = sut().deliver(subscription(), [events[0]], shutdown.signal);
    setTimeout(() => shutdown.abort(), 50);

    await expect(pending).resolves.toMatchObject({ kind: 'retry' });
  });
});
