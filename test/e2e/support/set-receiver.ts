import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { JSONWebKeySet, JWTPayload } from 'jose';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

class JwksUnavailable extends Error {}

/** One SET the receiver got: the JWS, its header, and its verified claims (or why it did not verify). */
export interface ReceivedSet {
  path: string;
  headers: Record<string, string>;
  jws: string;
  header: Record<string, unknown>;
  claims?: JWTPayload & Record<string, unknown>;
  error?: string;
}

export interface SetReceiverAnswer {
  status: number;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/**
 * An RFC 8935 receiver (node:http on 127.0.0.1, a random port) that verifies every SET with `jose` against
 * the JWKS the server publishes (fetched again when it meets an unknown kid, as receivers do after a
 * rotation): signature, `typ: secevent+jwt`, ES256, issuer and audience. `answer` decides the response.
 */
export class SetReceiver {
  readonly received: ReceivedSet[] = [];
  answer: (set: ReceivedSet) => SetReceiverAnswer = () => ({ status: 202 });
  private server?: Server;
  private jwks?: JSONWebKeySet;
  port = 0;

  constructor(
    private readonly fetchJwks: () => Promise<JSONWebKeySet>,
    private readonly issuer: string,
    readonly audience: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/events`;
  }

  /** Claims of the SETs that verified, in arrival order. */
  verified(): (JWTPayload & Record<string, unknown>)[] {
    return this.received.filter((r) => r.claims).map((r) => r.claims!);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 100;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async waitFor(check: () => boolean, timeoutMs = 15000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) {
        throw new Error(
          `SETs not received: ${JSON.stringify(this.received.map((r) => r.claims?.txn ?? r.error))}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Verifies one compact SET (also used by the RFC 8936 poller). */
  async verify(jws: string): Promise<JWTPayload & Record<string, unknown>> {
    const kid = decodeProtectedHeader(jws).kid;
    if (!this.jwks || !this.jwks.keys.some((k) => k.kid === kid)) {
      try {
        this.jwks = await this.fetchJwks();
      } catch (error) {
        throw new JwksUnavailable((error as Error).message);
      }
    }
    const { payload } = await jwtVerify(jws, createLocalJWKSet(this.jwks), {
      typ: 'secevent+jwt',
      algorithms: ['ES256'],
      issuer: this.issuer,
      audience: this.audience,
    });
    return payload as JWTPayload & Record<string, unknown>;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const jws = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
    );
    const set: ReceivedSet = { path: req.url ?? '', headers, jws, header: {} };
    try {
      set.header = decodeProtectedHeader(jws) as Record<string, unknown>;
      set.claims = await this.verify(jws);
    } catch (error) {
      // The JWKS could not be fetched (the server is restarting): not the SET's fault, ask for a retry.
      if (error instanceof JwksUnavailable) {
        res.writeHead(503, { 'retry-after': '0' }).end();
        return;
      }
      set.error = (error as Error).message;
    }
    this.received.push(set);
    const answer = set.error
      ? { status: 400, body: { err: 'invalid_request', description: set.error } }
      : this.answer(set);
    const body = answer.body ? JSON.stringify(answer.body) : '';
    res
      .writeHead(answer.status, {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...answer.headers,
      })
      .end(body);
  }
}
