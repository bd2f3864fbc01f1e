/**
 * RFC 8935 push of RFC 9967 SETs end to end (issue "Standard streams"): a real receiver verifies every SET
 * with `jose` against the published JWKS (signature, typ, claims, sub_id, event URI), order and completeness
 * against the journal, a key rotation mid-stream, and the RFC 8935 error codes (retry vs dead letter).
 */
import { createTestApp, TestApp } from '../harness';
import type { SetReceiver } from '../support/set-receiver';
import { ADMIN_HEADER, ADMIN_TOKEN, createTenantWithToken } from '../support/tenants';
import { createSetApp, ISSUER, PROV_EVENT as EVENT, rotateSetKeys, setReceiver } from './set-streams.helpers';
import { GROUP_SCHEMA, PATCH_SCHEMA, StreamingClient, USER_SCHEMA } from './streaming.helpers';

const AUDIENCE = 'https://receiver.example.com/events';

describe('Standard streams: RFC 8935 push (e2e)', () => {
  let t: TestApp;
  let client: StreamingClient;
  let receiver: SetReceiver;

  beforeEach(async () => {
    t = await createSetApp({ streamRetryBaseMs: 20, streamRetryMaxMs: 50 });
    client = new StreamingClient(t, 'std', await createTenantWithToken(t, 'std'));
    receiver = setReceiver(() => t, AUDIENCE);
    await receiver.start();
  });

  afterEach(async () => {
    await t.close();
    await receiver.stop();
  });

  const push = (delivery: Record<string, unknown> = {}) =>
    client.subscribe({
      name: 'rfc8935',
      delivery: {
        method: 'push',
        url: receiver.url,
        audience: AUDIENCE,
        authorizationHeader: 'Bearer receiver-issued-token',
        ...delivery,
      },
    });

  const eventUri = (claims: Record<string, unknown>) => Object.keys(claims.events as object)[0];

  async function resourceSeqs(after: number): Promise<number[]> {
    const page = await t.app.inject({
      method: 'GET',
      url: `/admin/tenants/std/journal?since=${after}&limit=1000`,
      headers: ADMIN_HEADER,
    });
    return (page.json() as { entries: { seq: number; operation: string }[] }).entries
      .filter((e) => e.operation !== 'admin')
      .map((e) => e.seq);
  }

  it('pushes every change as verified SETs, in order, complete, surviving a key rotation', async () => {
    const sub = await push();
    expect(sub.delivery).toEqual({ method: 'push', url: receiver.url, audience: AUDIENCE, format: 'full' });
    expect(JSON.stringify(sub)).not.toContain('receiver-issued-token');
    const alice = await client.createUser('alice', {
      active: true,
      externalId: 'a-1',
      password: 'Sup3r-secret!',
    });
    const bob = await client.createUser('bob');
    const group = await client.scim('POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Admins',
      members: [{ value: alice.id }],
    });
    await client.scim('PATCH', `/Groups/${group.id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'add', path: 'members', value: [{ value: bob.id }] }],
    });
    await receiver.waitFor(() => receiver.received.length >= 4);
    // Rotation mid-stream: the next SETs carry the new kid; the receiver fetches the JWKS again.
    expect((await rotateSetKeys(t, 3600)).statusCode).toBe(200);
    await client.scim('PATCH', `/Users/${alice.id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    await client.scim('PUT', `/Users/${bob.id}`, {
      schemas: [USER_SCHEMA],
      userName: 'bob',
      displayName: 'Bob',
    });
    await client.scim('DELETE', `/Users/${bob.id}`);
    await client.scim('DELETE', `/Groups/${group.id}`);
    const seqs = await resourceSeqs(sub.position);
    await client.waitForStatus(sub.id, (s) => s.position === s.headSeq && s.headSeq >= seqs[seqs.length - 1]);

    expect(receiver.received.filter((r) => r.error)).toEqual([]);
    const sets = receiver.verified();
    expect(sets.map((s) => eventUri(s))).toEqual([
      `${EVENT}create:full`,
      `${EVENT}create:full`,
      `${EVENT}create:full`,
      `${EVENT}patch:full`,
      `${EVENT}patch:full`,
      `${EVENT}deactivate`,
      `${EVENT}put:full`,
      `${EVENT}delete`,
      `${EVENT}delete`,
    ]);
    // Completeness and order: one txn per resource change of the journal, in seq order.
    const txns = [...new Set(sets.map((s) => s.txn))];
    expect(txns).toEqual(seqs.map((seq) => `std:${seq}`));
    expect(new Set(sets.map((s) => s.jti)).size).toBe(sets.length);
    for (const set of sets) {
      expect(set).not.toHaveProperty('sub');
      expect(set).not.toHaveProperty('exp');
      expect(set).toMatchObject({
        iss: ISSUER,
        aud: AUDIENCE,
        iat: expect.any(Number),
        toe: expect.any(Number),
      });
    }
    expect(sets[0].sub_id).toEqual({
      format: 'scim',
      uri: `/Users/${alice.id}`,
      id: alice.id,
      externalId: 'a-1',
    });
    expect(sets[2].sub_id).toMatchObject({ uri: `/Groups/${group.id}` });
    expect(
      (sets[0].events as Record<string, { data: object; version: string }>)[`${EVENT}create:full`],
    ).toMatchObject({ data: { userName: 'alice', active: true }, version: expect.any(String) });
    expect((sets[3].events as Record<string, { data: object }>)[`${EVENT}patch:full`].data).toEqual({
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'add', path: 'members', value: [{ value: bob.id, type: 'User' }] }],
    });
    expect(JSON.stringify(sets)).not.toMatch(/Sup3r-secret|"password"/);
    // Two signing keys were used, both from the published JWKS.
    expect(new Set(receiver.received.map((r) => r.header.kid)).size).toBe(2);
    expect(receiver.received.every((r) => r.header.typ === 'secevent+jwt' && r.header.alg === 'ES256')).toBe(
      true,
    );
    expect(receiver.received[0].headers).toMatchObject({
      'content-type': 'application/secevent+jwt',
      authorization: 'Bearer receiver-issued-token',
    });
  });

  it('notice format: attribute names only', async () => {
    const sub = await push({ format: 'notice' });
    const user = await client.createUser('carol');
    await client.scim('PATCH', `/Users/${user.id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'displayName', value: 'Carol' }],
    });
    await client.waitForStatus(sub.id, (s) => s.position === s.headSeq);
    const sets = receiver.verified();
    expect(sets.map((s) => eventUri(s))).toEqual([`${EVENT}create:notice`, `${EVENT}patch:notice`]);
    expect(sets[1].events).toEqual({
      [`${EVENT}patch:notice`]: { attributes: ['displayName'], version: expect.any(String) },
    });
  });

  it('retries invalid_key with the same jti, dead-letters invalid_request and goes on, pauses on invalid_audience', async () => {
    const sub = await push();
    let refusals = 0;
    receiver.answer = (set) => {
      const uri = eventUri(set.claims!);
      const userName = JSON.stringify(set.claims!.events);
      if (userName.includes('"userName":"keyless"') && refusals++ < 2) {
        return { status: 400, body: { err: 'invalid_key', description: 'unknown kid' } };
      }
      if (userName.includes('"userName":"broken"')) return { status: 400, body: { err: 'invalid_request' } };
      return uri ? { status: 202 } : { status: 500 };
    };
    await client.createUser('keyless');
    await client.createUser('broken');
    await client.createUser('fine');
    const status = await client.waitForStatus(sub.id, (s) => s.position === s.headSeq);
    expect(status).toMatchObject({ deadLettered: 1, status: 'active' });
    const keyless = receiver.received.filter((r) => JSON.stringify(r.claims?.events).includes('keyless'));
    expect(keyless).toHaveLength(3);
    expect(new Set(keyless.map((r) => r.claims!.jti)).size).toBe(1);
    const deliveries = (await client.admin('GET', `/${sub.id}/deliveries`)).json() as {
      attempts: { outcome: string; error?: string }[];
      deadLetters: { reason: string }[];
    };
    expect(deliveries.deadLetters[0].reason).toContain('invalid_request');
    expect(deliveries.attempts.filter((a) => a.outcome === 'retry')[0].error).toContain('invalid_key');

    receiver.answer = () => ({ status: 400, body: { err: 'invalid_audience' } });
    await client.createUser('elsewhere');
    await expect(client.waitForStatus(sub.id, (s) => s.status === 'paused')).resolves.toMatchObject({
      stateReason: expect.stringContaining('invalid_audience'),
    });
  });

  it('refuses a push subscription without an issuer, a bad format, or a URL WEBHOOK_ALLOWED_HOSTS excludes', async () => {
    const other = await createTestApp({
      adminToken: ADMIN_TOKEN,
      setIssuer: undefined,
      baseUrl: undefined,
      webhookAllowedHosts: 'hooks.example.com',
    });
    try {
      const c = new StreamingClient(other, 'x', await createTenantWithToken(other, 'x'));
      const noIssuer = await c.admin('POST', '', { name: 'p', delivery: { method: 'poll' } });
      expect(noIssuer.statusCode).toBe(400);
      expect(noIssuer.json().detail).toContain('SET_ISSUER');
    } finally {
      await other.close();
    }
    const limited = await createSetApp({ webhookAllowedHosts: 'hooks.example.com' });
    try {
      const c = new StreamingClient(limited, 'y', await createTenantWithToken(limited, 'y'));
      const host = await c.admin('POST', '', { name: 'p', delivery: { method: 'push', url: receiver.url } });
      expect(host.statusCode).toBe(400);
      expect(host.json().detail).toContain('WEBHOOK_ALLOWED_HOSTS');
      const format = await c.admin('POST', '', {
        name: 'p',
        delivery: { method: 'push', url: 'https://hooks.example.com/e', format: 'everything' },
      });
      expect(format.statusCode).toBe(400);
      expect(format.json().detail).toContain('delivery.format');
      const ok = await c.admin('POST', '', {
        name: 'p',
        delivery: { method: 'push', url: 'https://hooks.example.com/e' },
      });
      expect(ok.statusCode).toBe(201);
    } finally {
      await limited.close();
    }
  });
});
