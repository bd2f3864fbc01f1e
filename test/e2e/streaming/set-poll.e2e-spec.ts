/**
 * RFC 8936 poll of RFC 9967 SETs end to end (issue "Standard streams"): a poller verifying every SET with
 * `jose` against the published JWKS, acknowledging in batches, reporting one setErr, long-polling, and seeing
 * the unacknowledged SETs again after a restart of the server on the same DATA_DIR.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestApp } from '../harness';
import { createTenantWithToken, issueToken } from '../support/tenants';
import {
  createSetApp,
  ISSUER,
  PollAnswer,
  pollRequest,
  PROV_EVENT as EVENT,
  setReceiver,
} from './set-streams.helpers';
import { PATCH_SCHEMA, StreamingClient } from './streaming.helpers';

describe('Standard streams: RFC 8936 poll (e2e)', () => {
  let dataDir: string;
  let t: TestApp;
  let client: StreamingClient;
  let scimAuth: { authorization: string };

  const boot = async () => {
    t = await createSetApp({ dataDir, setPollMaxWaitSeconds: 2 });
  };

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scim-set-poll-'));
    await boot();
    scimAuth = await createTenantWithToken(t, 'std');
    client = new StreamingClient(t, 'std', scimAuth);
  });

  afterEach(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // The verifier outlives the restart of the first test: it fetches the JWKS of the app running then.
  const verifier = (audience: string) => setReceiver(() => t, audience);

  const poll = (id: string, token: string, body: Record<string, unknown>) =>
    pollRequest(t, id, `Bearer ${token}`, body, { accept: 'application/json' });

  async function pollOk(id: string, token: string, body: Record<string, unknown>): Promise<PollAnswer> {
    const response = await poll(id, token, body);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    return response.json();
  }

  it('offers SETs oldest first, acknowledged in batches, one setErr dead-lettered, the rest again after a restart', async () => {
    const sub = await client.subscribe({
      name: 'poller',
      delivery: { method: 'poll', audience: 'urn:example:poller' },
    });
    const token = sub.token as string;
    expect(token).toEqual(expect.any(String));
    const receiver = verifier('urn:example:poller');
    const users: string[] = [];
    for (let i = 0; i < 5; i++) users.push((await client.createUser(`user${i}`)).id);
    await client.scim('PATCH', `/Users/${users[0]}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });

    // 5 creates + patch + deactivate = 7 SETs; batches of 3.
    const first = await pollOk(sub.id, token, { maxEvents: 3, returnImmediately: true });
    expect(Object.keys(first.sets)).toHaveLength(3);
    expect(first.moreAvailable).toBe(true);
    const claims = await Promise.all(Object.values(first.sets).map((jws) => receiver.verify(jws)));
    expect(claims.map((c) => c.txn)).toEqual([...new Set(claims.map((c) => c.txn))]);
    expect(claims.map((c) => (c.sub_id as { uri: string }).uri)).toEqual(
      users.slice(0, 3).map((id) => `/Users/${id}`),
    );
    expect(Object.keys(first.sets)).toEqual(claims.map((c) => c.jti));

    // Acknowledge two, report the third as an error; ask for the next three.
    const [a, b, c] = Object.keys(first.sets);
    const second = await pollOk(sub.id, token, {
      ack: [a, b],
      setErrs: { [c]: { err: 'invalid_request', description: 'cannot parse' } },
      maxEvents: 3,
      returnImmediately: true,
    });
    const secondClaims = await Promise.all(Object.values(second.sets).map((jws) => receiver.verify(jws)));
    expect(secondClaims.map((x) => Object.keys(x.events as object)[0])).toEqual([
      `${EVENT}create:full`,
      `${EVENT}create:full`,
      `${EVENT}patch:full`,
    ]);
    const status = await client.status(sub.id);
    expect(status).toMatchObject({ deadLettered: 1 });
    const deliveries = (await client.admin('GET', `/${sub.id}/deliveries`)).json() as {
      attempts: { outcome: string; error?: string }[];
      deadLetters: { reason: string }[];
    };
    expect(deliveries.deadLetters[0].reason).toContain('setErr invalid_request: cannot parse');
    expect(deliveries.attempts.map((x) => x.outcome).sort()).toEqual(['acknowledged', 'rejected']);

    // Acknowledge the 2nd SET of the batch only (out of order), then restart: the 1st and 3rd come again.
    const [d, e, f] = Object.keys(second.sets);
    await pollOk(sub.id, token, { ack: [e], maxEvents: 0, returnImmediately: true });
    await t.close();
    await boot();
    client = new StreamingClient(t, 'std', scimAuth);
    const again = await pollOk(sub.id, token, { returnImmediately: true });
    const ids = Object.keys(again.sets);
    expect(ids.slice(0, 2)).toEqual([d, f]);
    expect(ids).not.toContain(e);
    expect(ids).toHaveLength(3); // d, f (patch of user0) and the deactivate
    const last = await receiver.verify(again.sets[ids[2]]);
    expect(Object.keys(last.events as object)).toEqual([`${EVENT}deactivate`]);
    expect(last.txn).toBe(secondClaims[2].txn);

    // Everything acknowledged: nothing left, the position is at the head.
    const done = await pollOk(sub.id, token, { ack: ids, returnImmediately: true });
    expect(done).toEqual({ sets: {} });
    await expect(client.waitForStatus(sub.id, (s) => s.position === s.headSeq)).resolves.toMatchObject({
      lag: 0,
      deadLettered: 1,
    });
  });

  it('long-polls until a change commits, and answers empty after SET_POLL_MAX_WAIT_SECONDS', async () => {
    const sub = await client.subscribe({ name: 'waiter', delivery: { method: 'poll', format: 'notice' } });
    const token = sub.token as string;
    const started = Date.now();
    const waiting = pollOk(sub.id, token, {});
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.createUser('late');
    const answer = await waiting;
    expect(Object.keys(answer.sets)).toHaveLength(1);
    const claims = await verifier(`${ISSUER}/streams/${sub.id}`).verify(Object.values(answer.sets)[0]);
    expect(Object.keys(claims.events as object)).toEqual([`${EVENT}create:notice`]);
    expect(Date.now() - started).toBeLessThan(2000);

    const emptyStart = Date.now();
    expect(await pollOk(sub.id, token, { ack: Object.keys(answer.sets) })).toEqual({ sets: {} });
    expect(Date.now() - emptyStart).toBeGreaterThanOrEqual(1900);
  });

  it('refuses without the consumer token, a malformed request, and another method', async () => {
    const sub = await client.subscribe({ name: 'p', delivery: { method: 'poll' } });
    // Only the admin event of its own creation follows: nothing to offer, and the position moves over it.
    expect((await pollOk(sub.id, sub.token as string, { returnImmediately: true })).sets).toEqual({});
    await expect(client.status(sub.id)).resolves.toMatchObject({ lag: 0 });
    expect((await poll(sub.id, 'wrong-token', {})).statusCode).toBe(401);
    const scimToken = await issueToken(t, 'std');
    expect((await poll(sub.id, scimToken, {})).statusCode).toBe(401);
    const bad = await poll(sub.id, sub.token as string, { maxEvents: -1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ err: 'invalid_request', description: 'maxEvents must be an integer >= 0' });
    const sse = await client.subscribe({ name: 's', delivery: { method: 'sse' } });
    expect((await poll(sse.id, sse.token as string, {})).statusCode).toBe(409);
    expect((await poll('nope', 'x', {})).statusCode).toBe(404);
  });
});
