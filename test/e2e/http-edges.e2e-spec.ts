import { request } from 'node:http';
import { connect } from 'node:net';
import { createTestApp, TestApp } from './harness';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** Issue 11 "HTTP edges": bodiless requests, oversized bodies, client errors, encodings. */
describe('HTTP edges (e2e)', () => {
  let t: TestApp;
  let origin: string;

  beforeAll(async () => {
    t = await createTestApp({ bodyLimit: 4096, rateLimitPerSecond: 0 });
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address() as { port: number };
    origin = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => t.close());

  async function createUser(userName: string): Promise<string> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
      payload: JSON.stringify({ schemas: [USER_SCHEMA], userName }),
    });
    expect(response.statusCode).toBe(201);
    return response.json().id;
  }

  /** Writes `request` on a raw socket and resolves with everything the server sends until it closes. */
  function rawRequest(request: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(Number(new URL(origin).port), '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      socket.end(request);
    });
  }

  function parseRaw(raw: string): { status: number; headers: string; body: unknown } {
    const [head, ...rest] = raw.split('\r\n\r\n');
    return {
      status: Number(head.split(' ')[1]),
      headers: head.toLowerCase(),
      body: JSON.parse(rest.join('\r\n\r\n')),
    };
  }

  describe('a request without a body', () => {
    it.each([
      [
        'Content-Type and Content-Length: 0',
        { 'content-type': 'application/scim+json', 'content-length': '0' },
      ],
      [
        'Content-Type with charset',
        { 'content-type': 'application/scim+json; charset=utf-8', 'content-length': '0' },
      ],
      [
        'a charset, which does not matter without a body',
        { 'content-type': 'application/json; charset=iso-8859-1', 'content-length': '0' },
      ],
    ])('DELETE with %s is 204 (RFC 7644 §3.6)', async (_label, headers) => {
      const id = await createUser(`delete-${Math.random()}`);

      const response = await t.app.inject({
        method: 'DELETE',
        url: `/scim/v2/Users/${id}`,
        headers: { ...t.authHeader, ...headers },
      });

      expect(response.statusCode).toBe(204);
    });

    it('DELETE over the network, as a client sending Content-Type on every request does', async () => {
      const id = await createUser('delete-fetch');

      const response = await fetch(`${origin}/scim/v2/Users/${id}`, {
        method: 'DELETE',
        headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
        body: '',
      });

      expect(response.status).toBe(204);
    });

    it('still refuses an empty body where one is required (POST)', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
        payload: '',
      });

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidSyntax' });
    });
  });

  describe('an oversized body', () => {
    const expected413 = {
      schemas: [ERROR_SCHEMA],
      status: '413',
      detail: 'Request body exceeds the limit of 4096 bytes',
    };

    it('is answered 413 to node:http writing a Content-Length body slowly', async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const total = 8 * 1024 * 1024;
        const answer = await new Promise<{ status?: number; body?: string; error?: string }>((resolve) => {
          const req = request(
            `${origin}/scim/v2/Users`,
            {
              method: 'POST',
              agent: false,
              headers: { ...t.authHeader, 'content-type': 'application/scim+json', 'content-length': total },
            },
            (res) => {
              let body = '';
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => (body += chunk));
              res.on('end', () => resolve({ status: res.statusCode, body }));
            },
          );
          req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code }));
          // 64 KiB writes with a pause after every MiB: a client still sending when the answer comes.
          let written = 0;
          const write = (): void => {
            while (written < total) {
              written += 64 * 1024;
              const flushed = req.write(Buffer.alloc(64 * 1024, 0x78));
              if (written % (1024 * 1024) === 0) return void setTimeout(write, 2);
              if (!flushed) return void req.once('drain', write);
            }
            req.end();
          };
          write();
        });

        expect(answer).toEqual({ status: 413, body: JSON.stringify(expected413) });
      }
    });

    it('is answered 413 to fetch, which sends the whole body first (Content-Length)', async () => {
      const body = JSON.stringify({
        schemas: [USER_SCHEMA],
        userName: 'big',
        title: 'x'.repeat(4 * 1024 * 1024),
      });

      const response = await fetch(`${origin}/scim/v2/Users`, {
        method: 'POST',
        headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
        body,
      });

      expect(response.status).toBe(413);
      expect(await response.json()).toEqual(expected413);
    });

    it('is answered 413 to fetch with a chunked body (no Content-Length)', async () => {
      const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        // 8 MiB, with pauses: a client still sending when the answer comes.
        async pull(controller) {
          if (sent++ >= 128) return controller.close();
          controller.enqueue(chunk);
          if (sent % 16 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
        },
      });

      const response = await fetch(`${origin}/scim/v2/Users`, {
        method: 'POST',
        headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
        body: stream,
        duplex: 'half',
      } as RequestInit);

      expect(response.status).toBe(413);
      expect(await response.json()).toEqual(expected413);
    });
  });

  describe('client errors before routing', () => {
    it('answers a header section over 16 KB with a SCIM 431', async () => {
      const raw = await rawRequest(
        `GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );

      const { status, headers, body } = parseRaw(raw);
      expect(status).toBe(431);
      expect(headers).toContain(`content-type: ${SCIM_CONTENT_TYPE}`);
      expect(body).toEqual({
        schemas: [ERROR_SCHEMA],
        status: '431',
        detail: 'The request header section is too large',
      });
    });

    it.each([
      // With a content type, so that the body is read (without one, a quick enough server answers 415 first).
      [
        'a bad chunk',
        'POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nContent-Type: application/scim+json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      ],
      [
        'Content-Length with Transfer-Encoding',
        'POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      ],
      ['a NUL in the path', 'GET /scim/v2/Us\u0000ers HTTP/1.1\r\nHost: x\r\n\r\n'],
    ])('answers %s with a SCIM 400', async (_label, request) => {
      const { status, headers, body } = parseRaw(await rawRequest(request));

      expect(status).toBe(400);
      expect(headers).toContain(`content-type: ${SCIM_CONTENT_TYPE}`);
      expect(body).toEqual({
        schemas: [ERROR_SCHEMA],
        status: '400',
        detail: 'The request is not valid HTTP/1.1',
      });
    });
  });

  describe('body encodings', () => {
    it('refuses a body that is not valid UTF-8 with 400 invalidSyntax (it was stored as U+FFFD)', async () => {
      const payload = Buffer.concat([
        Buffer.from(`{"schemas":["${USER_SCHEMA}"],"userName":"bad-`),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('"}'),
      ]);

      const response = await t.app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
        payload,
      });

      expect({ status: response.statusCode, body: response.json() }).toEqual({
        status: 400,
        body: {
          schemas: [ERROR_SCHEMA],
          status: '400',
          scimType: 'invalidSyntax',
          detail: 'Request body is not valid UTF-8',
        },
      });
    });

    it.each([
      ['a lone high surrogate', '\\ud800'],
      ['a lone low surrogate', '\\uDC00x'],
      ['a high surrogate at the end of the string', 'x\\uD83D'],
    ])(
      'refuses %s escape with 400 invalidSyntax (it made the projection throw: 500)',
      async (_label, escaped) => {
        // Found by the fuzz suite (test/e2e/fuzz): a reference value with one made encodeURIComponent throw.
        const payload = `{"schemas":["${USER_SCHEMA}","${ENTERPRISE}"],"userName":"s","${ENTERPRISE}":{"manager":"${escaped}"}}`;

        const response = await t.app.inject({
          method: 'POST',
          url: '/scim/v2/Users',
          headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
          payload,
        });

        expect({ status: response.statusCode, body: response.json() }).toEqual({
          status: 400,
          body: {
            schemas: [ERROR_SCHEMA],
            status: '400',
            scimType: 'invalidSyntax',
            detail: 'Request body holds an unpaired surrogate escape (\\uD800-\\uDFFF)',
          },
        });
      },
    );

    it('accepts a surrogate pair escape and an escaped backslash before "u"', async () => {
      const payload = `{"schemas":["${USER_SCHEMA}"],"userName":"pair-\\ud83d\\ude00","title":"\\\\ud800"}`;

      const response = await t.app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
        payload,
      });

      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ userName: 'pair-\u{1F600}', title: '\\ud800' });
    });

    it.each(['application/scim+json; charset=iso-8859-1', 'application/json; charset="latin1"'])(
      'refuses %s with 415',
      async (contentType) => {
        const response = await t.app.inject({
          method: 'POST',
          url: '/scim/v2/Users',
          headers: { ...t.authHeader, 'content-type': contentType },
          payload: Buffer.from(`{"schemas":["${USER_SCHEMA}"],"userName":"caf\u00e9"}`, 'latin1'),
        });

        expect(response.statusCode).toBe(415);
        expect(response.headers['content-type']).toBe(SCIM_CONTENT_TYPE);
        expect(response.json()).toEqual({
          schemas: [ERROR_SCHEMA],
          status: '415',
          detail: expect.stringMatching(
            /^Unsupported charset "(iso-8859-1|latin1)": send the body in UTF-8$/,
          ),
        });
      },
    );

    it.each(['utf-8', 'UTF-8', '"utf-8"', 'utf8'])('accepts charset=%s', async (charset) => {
      const userName = `caf\u00e9-${Buffer.from(charset).toString('hex')}`;
      const response = await t.app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: { ...t.authHeader, 'content-type': `application/scim+json; charset=${charset}` },
        payload: JSON.stringify({ schemas: [USER_SCHEMA], userName }),
      });

      expect(response.statusCode).toBe(201);
      expect(response.json().userName).toBe(userName);
    });
  });
});
