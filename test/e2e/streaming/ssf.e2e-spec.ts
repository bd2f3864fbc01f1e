/**
 * SSF 1.0 discovery and stream management over the change stream's subscriptions (issue "Standard streams"),
 * and RFC 9967 §4 securityEvents in ServiceProviderConfig.
 */
import { createTestApp, TestApp } from '../harness';
import { ADMIN_HEADER, createTenantWithToken } from '../support/tenants';
import {
  createSetApp,
  ISSUER,
  pollStream,
  PROV_EVENT as EVENT,
  setReceiver,
  ssfManageAuth,
  ssfRequest,
} from './set-streams.helpers';

describe('Standard streams: SSF discovery and stream management (e2e)', () => {
  let t: TestApp;
  let auth: { authorization: string };
  let scim: { authorization: string };

  beforeEach(async () => {
    t = await createSetApp();
    scim = await createTenantWithToken(t, 'std');
    // Stream management needs a credential with the scope ssf.manage (or ADMIN_TOKEN): ssf-management.e2e-spec.ts.
    auth = await ssfManageAuth(t, 'std', 'receiver');
  });

  afterEach(() => t.close());

  const ssf = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    ssfRequest(t, auth, method, url, payload);

  it('publishes the transmitter configuration without authentication', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/.well-known/ssf-configuration' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      spec_version: '1_0',
      issuer: ISSUER,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      delivery_methods_supported: ['urn:ietf:rfc:8935', 'urn:ietf:rfc:8936'],
      configuration_endpoint: `${ISSUER}/ssf/streams`,
      status_endpoint: `${ISSUER}/ssf/status`,
      verification_endpoint: `${ISSUER}/ssf/verify`,
      add_subject_endpoint: `${ISSUER}/ssf/subjects:add`,
      remove_subject_endpoint: `${ISSUER}/ssf/subjects:remove`,
      authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6750' }, { spec_urn: 'urn:ietf:rfc:6749' }],
      default_subjects: 'ALL',
    });
  });

  it('advertises securityEvents in ServiceProviderConfig (RFC 9967 §4)', async () => {
    const spc = await t.app.inject({ method: 'GET', url: '/scim/v2/ServiceProviderConfig', headers: scim });
    expect(spc.json().securityEvents).toEqual({
      asyncRequest: 'none',
      eventUris: expect.arrayContaining([
        `${EVENT}create:full`,
        `${EVENT}patch:notice`,
        `${EVENT}deactivate`,
      ]),
    });
  });

  it('creates, reads, updates, pauses and deletes streams that are subscriptions of the admin API', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/ssf/streams', payload: {} })).statusCode).toBe(401);
    const created = await ssf('POST', '/ssf/streams', {
      events_requested: [`${EVENT}create:notice`, `${EVENT}patch:notice`],
      description: 'receiver A',
    });
    expect(created.statusCode).toBe(201);
    const stream = created.json();
    expect(stream).toMatchObject({
      iss: ISSUER,
      aud: `${ISSUER}/streams/${stream.stream_id}`,
      description: 'receiver A',
      delivery: {
        method: 'urn:ietf:rfc:8936',
        endpoint_url: `${ISSUER}/sets/poll/${stream.stream_id}`,
        authorization_header: expect.stringMatching(/^Bearer /),
      },
    });
    expect(stream.events_delivered).toContain(`${EVENT}patch:notice`);
    expect(stream.events_delivered).not.toContain(`${EVENT}patch:full`);

    // The admin API sees the same subscription.
    const admin = await t.app.inject({
      method: 'GET',
      url: `/admin/tenants/std/subscriptions/${stream.stream_id}`,
      headers: ADMIN_HEADER,
    });
    expect(admin.json()).toMatchObject({
      name: 'receiver A',
      delivery: { method: 'poll', format: 'notice' },
    });

    // The token polls (pollStream fails on anything but 200).
    await pollStream(t, stream);

    const read = await ssf('GET', `/ssf/streams?stream_id=${stream.stream_id}`);
    expect(read.json()).toEqual({
      ...stream,
      delivery: { method: 'urn:ietf:rfc:8936', endpoint_url: stream.delivery.endpoint_url },
    });
    expect((await ssf('GET', '/ssf/streams')).json()).toHaveLength(1);

    const updated = await ssf('PATCH', '/ssf/streams', {
      stream_id: stream.stream_id,
      events_requested: [`${EVENT}patch:full`],
      description: 'receiver A (full)',
    });
    expect(updated.json()).toMatchObject({ description: 'receiver A (full)' });
    expect(updated.json().events_delivered).toContain(`${EVENT}patch:full`);

    expect((await ssf('GET', `/ssf/status?stream_id=${stream.stream_id}`)).json()).toEqual({
      stream_id: stream.stream_id,
      status: 'enabled',
    });
    const paused = await ssf('POST', '/ssf/status', { stream_id: stream.stream_id, status: 'paused' });
    expect(paused.json()).toEqual({ stream_id: stream.stream_id, status: 'paused' });
    expect(
      (await ssf('POST', '/ssf/status', { stream_id: stream.stream_id, status: 'disabled' })).statusCode,
    ).toBe(400);

    // Another tenant does not see it.
    await createTenantWithToken(t, 'other');
    const otherAuth = await ssfManageAuth(t, 'other', 'receiver');
    const foreign = await ssfRequest(t, otherAuth, 'GET', `/ssf/streams?stream_id=${stream.stream_id}`);
    expect(foreign.statusCode).toBe(404);

    expect((await ssf('DELETE', `/ssf/streams?stream_id=${stream.stream_id}`)).statusCode).toBe(204);
    expect((await ssf('GET', '/ssf/streams')).json()).toEqual([]);
  });

  it('creates a push stream with the receiver endpoint and authorization header', async () => {
    const created = await ssf('POST', '/ssf/streams', {
      delivery: {
        method: 'urn:ietf:rfc:8935',
        endpoint_url: 'https://receiver.example.com/events',
        authorization_header: 'Bearer abc',
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().delivery).toEqual({
      method: 'urn:ietf:rfc:8935',
      endpoint_url: 'https://receiver.example.com/events',
    });
    expect(created.body).not.toContain('Bearer abc');
    const bad = await ssf('POST', '/ssf/streams', { delivery: { method: 'urn:example:carrier-pigeon' } });
    expect(bad.statusCode).toBe(400);
  });

  it('sends a verification SET: offered first at the next poll until acknowledged, or pushed at once', async () => {
    const stream = (await ssf('POST', '/ssf/streams', {})).json();
    const verifier = setReceiver(() => t, stream.aud);
    expect(
      (await ssf('POST', '/ssf/verify', { stream_id: stream.stream_id, state: 'VGhpcy4uLg==' })).statusCode,
    ).toBe(204);
    const poll = (body: Record<string, unknown>) => pollStream(t, stream, body);
    const first = await poll({});
    const [jti] = Object.keys(first.sets);
    const claims = await verifier.verify(first.sets[jti]);
    expect(claims).toMatchObject({
      jti,
      sub_id: { format: 'opaque', id: stream.stream_id },
      events: {
        'https://schemas.openid.net/secevent/ssf/event-type/verification': { state: 'VGhpcy4uLg==' },
      },
    });
    expect(Object.keys((await poll({})).sets)).toEqual([jti]);
    expect((await poll({ ack: [jti] })).sets).toEqual({});

    const receiver = setReceiver(() => t, 'urn:example:push');
    await receiver.start();
    try {
      const pushed = (
        await ssf('POST', '/ssf/streams', {
          delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: receiver.url },
        })
      ).json();
      // The audience the receiver expects is the stream's.
      const check = setReceiver(() => t, pushed.aud);
      expect((await ssf('POST', '/ssf/verify', { stream_id: pushed.stream_id })).statusCode).toBe(204);
      await receiver.waitFor(() => receiver.received.length > 0);
      const received = await check.verify(receiver.received[0].jws);
      expect(Object.keys(received.events as object)).toEqual([
        'https://schemas.openid.net/secevent/ssf/event-type/verification',
      ]);
    } finally {
      await receiver.stop();
    }
  });

  it('has no SSF configuration and no securityEvents without an issuer', async () => {
    const plain = await createTestApp({ setIssuer: undefined, baseUrl: undefined });
    try {
      expect(
        (await plain.app.inject({ method: 'GET', url: '/.well-known/ssf-configuration' })).statusCode,
      ).toBe(404);
      const spc = await plain.app.inject({
        method: 'GET',
        url: '/scim/v2/ServiceProviderConfig',
        headers: plain.authHeader,
      });
      expect(spc.json()).not.toHaveProperty('securityEvents');
    } finally {
      await plain.close();
    }
  });
});
