import { createServer, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { postWebhook } from './webhook-post';

describe('postWebhook', () => {
  let server: Server;
  let url: string;
  let answer: (res: ServerResponse, requestOnConnection: number) => void;
  const connections = new Set<Socket>();
  const bodies: string[] = [];
  const never = new AbortController().signal;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const socket = req.socket as Socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        answer(res, socket.served!);
      });
    });
    server.on('connection', (socket) => connections.add(socket));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });

  beforeEach(() => {
    bodies.length = 0;
    connections.forEach((socket) => socket.destroy());
    connections.clear();
    answer = (res) => res.writeHead(204).end();
  });

  afterAll(() => new Promise((r) => server.close(r)));

  it('posts the exact body and answers with the status, reusing one connection', async () => {
    const body = '{"id":"contoso:1","é":"✓"}';
    const first = await postWebhook(url, { 'content-type': 'application/json' }, body, 1000, never);
    const second = await postWebhook(url, {}, 'x', 1000, never);

    expect([first.status, second.status]).toEqual([204, 204]);
    expect(bodies).toEqual([body, 'x']);
    expect(connections.size).toBe(1);
  });

  it('returns a redirect as the answer instead of following it, with Retry-After', async () => {
    answer = (res) => res.writeHead(307, { location: `${url}/elsewhere`, 'retry-after': '5' }).end('moved');

    await expect(postWebhook(url, {}, '{}', 1000, never)).resolves.toEqual({ status: 307, retryAfter: '5' });
    expect(bodies).toHaveLength(1);
  });

  it('ends an attempt after timeoutMs with a TimeoutError', async () => {
    answer = (res) => setTimeout(() => res.writeHead(204).end(), 300);

    await expect(postWebhook(url, {}, '{}', 50, never)).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('ends an attempt when the signal aborts', async () => {
    answer = (res) => setTimeout(() => res.writeHead(204).end(), 300);
    const shutdown = new AbortController();
    setTimeout(() => shutdown.abort(), 20);

    await expect(postWebhook(url, {}, '{}', 5000, shutdown.signal)).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('tries once more on a fresh connection when a reused one was reset', async () => {
    await postWebhook(url, {}, 'warm', 1000, never); // one pooled connection
    answer = (res, n) => (n > 1 ? res.socket?.destroy() : res.writeHead(204).end());

    await expect(postWebhook(url, {}, 'again', 1000, never)).resolves.toEqual({ status: 204 });
    expect(bodies).toEqual(['warm', 'again', 'again']);
    expect(connections.size).toBe(2);
  });

  it('does not try again when a fresh connection is refused', async () => {
    await expect(postWebhook('http://127.0.0.1:1/x', {}, '{}', 1000, never)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});
