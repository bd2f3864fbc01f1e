/**
 * SSF 1.0 stream management (issue 13): who may manage streams (ADMIN_TOKEN with ?tenant=, or a credential
 * with the scope ssf.manage; never a plain SCIM provisioning credential), PUT, subjects:add / subjects:remove,
 * min_verification_interval, the stream-updated SET, and the RFC 8936 poll metrics. SETs are checked with
 * `jose` against the published JWKS, as a receiver would.
 */
import { generateClientSecret, hashClientSecret } from '../../../src/auth/oauth/client-secret';
import { createTestApp, TestApp } from '../harness';
import { clientCredentialsToken } from '../support/credentials';
import { ADMIN_HEADER, ADMIN_TOKEN, createTenantWithToken, issueToken } from '../support/tenants';
import {
  createSetApp,
  ISSUER,
  PolledStream,
  pollStream,
  setReceiver,
  SsfMethod,
  ssfManageAuth,
  ssfRequest,
} from './set-streams.helpers';
import { StreamingClient } from './streaming.helpers';

const STREAM_UPDATED = 'https://schemas.openid.net/secevent/ssf/event-type/stream-updated';

describe('Standard streams: SSF stream management authorisation and completeness (e2e)', () => {
  let t: TestApp;
  let scim: { authorization: string };
  let manage: { authorization: string };

  beforeEach(async () => {
    t = await createSetApp();
    scim = await createTenantWithToken(t, 'std');
    manage = await ssfManageAuth(t, 'std', 'rx');
  });

  afterEach(() => t.close());

  const call = (headers: { authorization: string }, method: SsfMethod, url: string, payload?: unknown) =>
    ssfRequest(t, headers, method, url, payload);
  const poll = (stream: PolledStream, body = {}) => pollStream(t, stream, body);

  it('refuses a SCIM provisioning credential with 403 insufficient_scope, admits ssf.manage only to /ssf', async () => {
    const refused = await call(scim, 'POST', '/ssf/streams', {});
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(refused.headers['www-authenticate']).toContain('scope="ssf.manage"');
    expect(refused.json()).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '403',
      detail: expect.stringContaining('ADMIN_TOKEN or a credential with the scope "ssf.manage"'),
    });
    expect((await call(scim, 'GET', '/ssf/streams')).statusCode).toBe(403);

    expect((await call(manage, 'POST', '/ssf/streams', {})).statusCode).toBe(201);
    // The stream-management token reads no SCIM data.
    const users = await call(manage, 'GET', '/scim/v2/Users');
    expect(users.statusCode).toBe(403);
    expect(users.headers['www-authenticate']).toContain('scope="scim.read scim"');

    // The admin API shows the token's scopes; a token may have both.
    const tokens = (
      await t.app.inject({ method: 'GET', url: '/admin/tenants/std/tokens', headers: ADMIN_HEADER })
    ).json() as { items: { label: string; scopes?: string[] }[] };
    expect(tokens.items.find((tk) => tk.label === 'rx')?.scopes).toEqual(['ssf.manage']);
    const both = await issueToken(t, 'std', { label: 'both', scopes: ['scim', 'ssf.manage'] });
    expect((await call({ authorization: `Bearer ${both}` }, 'GET', '/scim/v2/Users')).statusCode).toBe(200);
    expect((await call({ authorization: `Bearer ${both}` }, 'GET', '/ssf/streams')).statusCode).toBe(200);
    const unknownScope = await t.app.inject({
      method: 'POST',
      url: '/admin/tenants/std/tokens',
      headers: ADMIN_HEADER,
      payload: { label: 'x', scopes: ['everything'] },
    });
    expect(unknownScope.statusCode).toBe(400);
  });

  it('admits ADMIN_TOKEN with ?tenant= and keeps every credential to its own tenant', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const missing = await call(admin, 'GET', '/ssf/streams');
    expect(missing.statusCode).toBe(400);
    expect(missing.json().detail).toContain('?tenant=<tenant id>');
    expect((await call(admin, 'GET', '/ssf/streams?tenant=nope')).statusCode).toBe(404);

    const created = await call(admin, 'POST', '/ssf/streams?tenant=std', { description: 'by admin' });
    expect(created.statusCode).toBe(201);
    const listed = (await call(manage, 'GET', '/ssf/streams')).json() as { description: string }[];
    expect(listed.map((s) => s.description)).toEqual(['by admin']);
    // Its own tenant named explicitly is fine; another tenant is not.
    expect((await call(manage, 'GET', '/ssf/streams?tenant=std')).statusCode).toBe(200);
    await createTenantWithToken(t, 'other');
    const foreign = await call(manage, 'GET', '/ssf/streams?tenant=other');
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().detail).toContain('cannot manage the streams of tenant "other"');
    // A wrong bearer is still a 401, not an admin or tenant credential.
    expect((await call({ authorization: 'Bearer wrong' }, 'GET', '/ssf/streams?tenant=std')).statusCode).toBe(
      401,
    );
  });

  it('replaces a stream configuration with PUT: left-out properties return to their defaults', async () => {
    const stream = (
      await call(manage, 'POST', '/ssf/streams', {
        description: 'notice stream',
        events_requested: ['urn:ietf:params:scim:event:prov:patch:notice'],
      })
    ).json();
    expect(stream.min_verification_interval).toBe(30);
    const replaced = await call(manage, 'PUT', '/ssf/streams', { stream_id: stream.stream_id });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ description: 'SSF stream' });
    expect(replaced.json().events_delivered).toContain('urn:ietf:params:scim:event:prov:patch:full');
    const switched = await call(manage, 'PUT', '/ssf/streams', {
      stream_id: stream.stream_id,
      delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: 'https://rx.example.com/e' },
    });
    expect(switched.statusCode).toBe(400);
    expect(switched.json().detail).toContain('cannot change');
  });

  it('stops the events of a removed subject and resumes them once it is added back', async () => {
    const client = new StreamingClient(t, 'std', scim);
    const stream = (await call(manage, 'POST', '/ssf/streams', {})).json();
    const receiver = setReceiver(() => t, stream.aud);
    const alice = await client.createUser('alice');
    const bob = await client.createUser('bob');
    const removed = await call(manage, 'POST', '/ssf/subjects:remove', {
      stream_id: stream.stream_id,
      subject: { format: 'scim', uri: `/Users/${alice.id}` },
    });
    expect(removed.statusCode).toBe(204);
    // The admin API shows the same subscription with the subject removed.
    const status = await client.status(stream.stream_id);
    expect(status.excludedSubjects).toEqual([`User/${alice.id}`]);
    const unsupported = await call(manage, 'POST', '/ssf/subjects:remove', {
      stream_id: stream.stream_id,
      subject: { format: 'email', email: 'alice@example.com' },
    });
    expect(unsupported.statusCode).toBe(400);
    expect(unsupported.json().detail).toContain('not supported: scim, opaque');

    const rename = (id: string, name: string) =>
      client.scim('PATCH', `/Users/${id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'displayName', value: name }],
      });
    await rename(alice.id, 'Alice 1');
    await rename(bob.id, 'Bob 1');
    const subjects = async () => {
      const { sets } = await poll(stream);
      const claims = await Promise.all(Object.values(sets).map((jws) => receiver.verify(jws)));
      await poll(stream, { ack: Object.keys(sets) });
      // One change may carry several SETs (RFC 9967): the subjects are what matters here.
      return [...new Set(claims.map((c) => (c.sub_id as { uri: string }).uri))];
    };
    // The stream started after both creates: only bob's rename.
    expect(await subjects()).toEqual([`/Users/${bob.id}`]);

    const added = await call(manage, 'POST', '/ssf/subjects:add', {
      stream_id: stream.stream_id,
      subject: { format: 'opaque', id: alice.id },
      verified: true,
    });
    expect(added.statusCode).toBe(200);
    await rename(alice.id, 'Alice 2');
    expect(await subjects()).toEqual([`/Users/${alice.id}`]);
  });

  it('documents the SSF endpoints in OpenAPI as clients call them, with both credentials', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/docs-json' })).json() as {
      paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/ssf/subjects:add', '/ssf/subjects:remove', '/ssf/streams']),
    );
    expect(Object.keys(document.paths['/ssf/streams'])).toEqual(
      expect.arrayContaining(['get', 'post', 'patch', 'put', 'delete']),
    );
    expect(document.paths['/ssf/streams'].put.security).toEqual(
      expect.arrayContaining([{ bearer: [] }, { admin: [] }]),
    );
  });

  it('answers 429 with Retry-After to a verification request sooner than min_verification_interval', async () => {
    const stream = (await call(manage, 'POST', '/ssf/streams', {})).json();
    expect((await call(manage, 'POST', '/ssf/verify', { stream_id: stream.stream_id })).statusCode).toBe(204);
    const again = await call(manage, 'POST', '/ssf/verify', { stream_id: stream.stream_id });
    expect(again.statusCode).toBe(429);
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(again.headers['retry-after'])).toBeLessThanOrEqual(30);
    expect(again.json().detail).toContain('min_verification_interval');
  });

  it('sends stream-updated when the status changes: pushed at once, or offered at the next poll', async () => {
    const receiver = setReceiver(() => t, 'unset');
    await receiver.start();
    try {
      const pushed = (
        await call(manage, 'POST', '/ssf/streams', {
          delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: receiver.url },
        })
      ).json();
      const check = setReceiver(() => t, pushed.aud);
      await call(manage, 'POST', '/ssf/status', { stream_id: pushed.stream_id, status: 'paused' });
      await receiver.waitFor(() => receiver.received.length > 0);
      const claims = await check.verify(receiver.received[0].jws);
      expect(claims).toMatchObject({
        sub_id: { format: 'opaque', id: pushed.stream_id },
        events: { [STREAM_UPDATED]: { status: 'paused' } },
      });
    } finally {
      await receiver.stop();
    }

    // Poll: the admin API's state change emits it too; only the latest status is kept.
    const stream = (await call(manage, 'POST', '/ssf/streams', {})).json();
    const verifier = setReceiver(() => t, stream.aud);
    const admin = new StreamingClient(t, 'std', scim);
    await admin.admin('PATCH', `/${stream.stream_id}`, { state: 'paused' });
    await admin.admin('PATCH', `/${stream.stream_id}`, { state: 'active' });
    const first = await poll(stream);
    const jtis = Object.keys(first.sets);
    expect(jtis).toHaveLength(1);
    expect((await verifier.verify(first.sets[jtis[0]])).events).toEqual({
      [STREAM_UPDATED]: { status: 'enabled' },
    });
    expect(Object.keys((await poll(stream)).sets)).toEqual(jtis);
    expect((await poll(stream, { ack: jtis })).sets).toEqual({});

    // The poll metrics saw these requests.
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/scim_stream_poll_requests_total\{outcome="sets"\} [2-9]/);
    expect(metrics).toMatch(/scim_stream_poll_requests_total\{outcome="empty"\} [1-9]/);
    expect(metrics).toMatch(/scim_stream_poll_sets_offered_total [2-9]/);
    expect(metrics).toMatch(/scim_stream_poll_sets_acknowledged_total [1-9]/);
  });
});

describe('Standard streams: SSF stream management with OAuth access tokens (e2e)', () => {
  const SECRET = generateClientSecret();
  const client = (id: string, scopes: string[]) => ({
    id,
    scopes,
    secrets: [{ hash: hashClientSecret(SECRET) }],
  });
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      setIssuer: ISSUER,
      oauthClients: JSON.stringify([client('receiver', ['ssf.manage']), client('provisioner', ['scim'])]),
    });
  });
  afterAll(() => t.close());

  const bearerOf = (clientId: string) => clientCredentialsToken(t.app, clientId, SECRET);

  it('admits a client with the scope ssf.manage and refuses a provisioning client', async () => {
    const receiver = { authorization: await bearerOf('receiver') };
    expect((await ssfRequest(t, receiver, 'POST', '/ssf/streams', {})).statusCode).toBe(201);
    const provisioner = { authorization: await bearerOf('provisioner') };
    const refused = await ssfRequest(t, provisioner, 'GET', '/ssf/streams');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toContain('the credential grants "scim"');
  });
});
