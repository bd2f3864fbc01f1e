import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got, with what verifying it with each known secret said. */
export interface ReceivedWebhook {
  /** The request path and query (several subscriptions can share one receiver: `?name`). */
  path: string;
  headers: Record<string, string>;
  body: string;
  json: Record<string, unknown>;
  /** For each secret of `secrets` (same order): did `standardwebhooks` verify the request with it alone? */
  verifiedWith: boolean[];
  at: number;
}

export interface ReceiverAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
  /** Answer only once this settles (a consumer that hangs until the test lets it go). */
  hold?: Promise<void>;
}

/**
 * A real webhook consumer (node:http on 127.0.0.1, a random port) that verifies every request with the
 * `standardwebhooks` library, as a consumer would (issue "Streaming", Tests). `answer` decides the response.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  secrets: string[] = [];
  answer: (request: ReceivedWebhook) => ReceiverAnswer = () => ({ status: 204 });
  private server?: Server;
  private readonly open = new Set<ServerResponse>();
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 100;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Closes the listener and every connection: the consumer is down (connection refused) until start(). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const res of this.open) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The events received, flattened out of batches, in arrival order. */
  events(): Record<string, unknown>[] {
    return this.received.flatMap((r) =>
      Array.isArray(r.json.events) ? (r.json.events as Record<string, unknown>[]) : [r.json],
    );
  }

  async waitFor(check: () => boolean, timeoutMs = 15000, what = 'webhooks'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) {
        throw new Error(
          `${what} not received in ${timeoutMs} ms; got seqs ${JSON.stringify(this.events().map((e) => e.seq))}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Waits until an event with this seq (or a later one) has arrived. */
  waitForSeq(seq: number, timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.events().some((e) => (e.seq as number) >= seq), timeoutMs, `seq ${seq}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
    );
    const verifiedWith = this.secrets.map((secret) => {
      try {
        new Webhook(secret).verify(body, headers);
        return true;
      } catch {
        return false;
      }
    });
    const request: ReceivedWebhook = {
      path: req.url ?? '',
      headers,
      body,
      json: JSON.parse(body),
      verifiedWith,
      at: Date.now(),
    };
    this.received.push(request);
    const answer = this.answer(request);
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if (answer.hold) await answer.hold;
    if (res.destroyed) return;
    res.writeHead(answer.status, answer.headers).end();
  }
}
