/**
 * The SubscriptionRepository contract (issue "Streaming"): records with compare-and-swap, delivery leases,
 * bounded attempts, dead letters, cascading deletes and durability, run against every available adapter like
 * resource-repository.contract.ts.
 */
import { ScimError } from '../../src/scim/errors';
import type { SubscriptionRecord } from '../../src/streaming/subscription';
import { StoreAdapters } from '../../src/store/store-query.util';
import type { DeliveryAttemptRecord } from '../../src/store/subscription.port';
import type { StoreHarness } from './resource-repository.contract';

function subscription(
  id: string,
  tenantId = 't1',
  createdAt = '2026-01-01T00:00:00.000Z',
): SubscriptionRecord {
  return {
    id,
    tenantId,
    name: `sub ${id}`,
    delivery: { method: 'webhook', url: 'https://hooks.example.com/scim' },
    eventTypes: ['user.created'],
    state: 'active',
    position: 0,
    maxRetryHours: 72,
    secrets: [{ id: 's1', value: 'encrypted', createdAt }],
    createdAt,
    updatedAt: createdAt,
    attempts: 0,
    deadLettered: 0,
    rev: 1,
  };
}

function attempt(subscriptionId: string, seq: number): DeliveryAttemptRecord {
  return {
    subscriptionId,
    fromSeq: seq,
    toSeq: seq,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    outcome: 'acknowledged',
    status: 200,
    durationMs: 3,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeSubscriptionRepositoryContract(
  name: string,
  createHarness: () => StoreHarness,
): void {
  describe(`${name}: SubscriptionRepository`, () => {
    let harness: StoreHarness;
    let adapters: StoreAdapters;
    const sut = () => adapters.subscriptions;

    beforeEach(async () => {
      harness = createHarness();
      adapters = await harness.open();
    });

    afterEach(async () => {
      await adapters.health.close();
      await harness.destroy();
    });

    it('inserts and finds a subscription by tenant and id, and by id alone', async () => {
      await sut().insert(subscription('a'));

      await expect(sut().find('t1', 'a')).resolves.toEqual(subscription('a'));
      await expect(sut().findById('a')).resolves.toEqual(subscription('a'));
    });

    it('answers another tenant as if the subscription did not exist', async () => {
      await sut().insert(subscription('a'));

      await expect(sut().find('t2', 'a')).resolves.toBeNull();
      await expect(sut().delete('t2', 'a')).resolves.toBe(false);
      await expect(sut().update({ ...subscription('a', 't2'), rev: 2 })).resolves.toBe(false);
    });

    it('keeps the SSF fields of a stream through updates: removed subjects, stream-updated, verification time', async () => {
      await sut().insert(subscription('a'));
      const ssf = {
        ...subscription('a'),
        excludedSubjects: ['User/u1', 'Group/g1'],
        streamUpdated: { jti: 'j1', status: 'paused', reason: 'admin', at: '2026-01-01T00:00:00.000Z' },
        lastVerificationAt: '2026-01-01T00:00:01.000Z',
        rev: 2,
      };
      await expect(sut().update(ssf)).resolves.toBe(true);
      await expect(sut().find('t1', 'a')).resolves.toEqual(ssf);
      const cleared = { ...subscription('a'), rev: 3 };
      await expect(sut().update(cleared)).resolves.toBe(true);
      await expect(sut().find('t1', 'a')).resolves.toEqual(cleared);
    });

    it('refuses a second subscription with the same id (409)', async () => {
      await sut().insert(subscription('a'));

      await expect(sut().insert(subscription('a'))).rejects.toMatchObject({ status: 409 });
      await expect(sut().insert(subscription('a'))).rejects.toBeInstanceOf(ScimError);
    });

    it('lists one tenant by createdAt then id, and every tenant for the deliverers', async () => {
      await sut().insert(subscription('b', 't1', '2026-01-02T00:00:00.000Z'));
      await sut().insert(subscription('c', 't1', '2026-01-01T00:00:00.000Z'));
      await sut().insert(subscription('a', 't1', '2026-01-02T00:00:00.000Z'));
      await sut().insert(subscription('z', 't2'));

      expect((await sut().list('t1')).map((s) => s.id)).toEqual(['c', 'a', 'b']);
      expect((await sut().listAll()).map((s) => s.id)).toEqual(['c', 'a', 'b', 'z']);
    });

    it('updates only when the stored rev is the previous one (compare-and-swap)', async () => {
      await sut().insert(subscription('a'));
      const moved = { ...subscription('a'), position: 5, rev: 2 };

      await expect(sut().update(moved)).resolves.toBe(true);
      await expect(sut().update({ ...subscription('a'), position: 9, rev: 2 })).resolves.toBe(false);
      await expect(sut().find('t1', 'a')).resolves.toMatchObject({ position: 5, rev: 2 });
      await expect(sut().update({ ...subscription('gone'), rev: 2 })).resolves.toBe(false);
    });

    it('answers the rev alone, for the tenant only, null when gone', async () => {
      await sut().insert(subscription('a'));
      await sut().update({ ...subscription('a'), position: 5, rev: 2 });

      await expect(sut().revision('t1', 'a')).resolves.toBe(2);
      await expect(sut().revision('t2', 'a')).resolves.toBeNull();
      await expect(sut().revision('t1', 'gone')).resolves.toBeNull();
    });

    it('gives a lease to one owner at a time, renews it for that owner, and frees it on release', async () => {
      await sut().insert(subscription('a'));

      await expect(sut().acquireLease('a', 'r1', 10_000)).resolves.toBe(true);
      await expect(sut().acquireLease('a', 'r2', 10_000)).resolves.toBe(false);
      await expect(sut().acquireLease('a', 'r1', 10_000)).resolves.toBe(true);
      await sut().releaseLease('a', 'r2');
      await expect(sut().acquireLease('a', 'r2', 10_000)).resolves.toBe(false);
      await sut().releaseLease('a', 'r1');
      await expect(sut().acquireLease('a', 'r2', 10_000)).resolves.toBe(true);
    });

    it('lets exactly one of several racing owners take a free lease', async () => {
      await sut().insert(subscription('a'));
      const owners = ['r1', 'r2', 'r3', 'r4'];

      const results = await Promise.all(owners.map((o) => sut().acquireLease('a', o, 10_000)));

      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('lets another owner take over a lease once it has expired', async () => {
      await sut().insert(subscription('a'));
      await sut().acquireLease('a', 'dead-replica', 50);
      await expect(sut().acquireLease('a', 'r2', 10_000)).resolves.toBe(false);

      await sleep(120);

      await expect(sut().acquireLease('a', 'r2', 10_000)).resolves.toBe(true);
      await expect(sut().acquireLease('a', 'dead-replica', 10_000)).resolves.toBe(false);
    });

    it('keeps leases of different subscriptions apart', async () => {
      await expect(sut().acquireLease('a', 'r1', 10_000)).resolves.toBe(true);
      await expect(sut().acquireLease('b', 'r2', 10_000)).resolves.toBe(true);
    });

    it('keeps only the newest attempts, newest first', async () => {
      for (let seq = 1; seq <= 7; seq++) await sut().recordAttempt(attempt('a', seq), 5);
      await sut().recordAttempt(attempt('b', 1), 5);

      expect((await sut().listAttempts('a', 100)).map((a) => a.fromSeq)).toEqual([7, 6, 5, 4, 3]);
      expect((await sut().listAttempts('a', 2)).map((a) => a.fromSeq)).toEqual([7, 6]);
      await expect(sut().listAttempts('b', 100)).resolves.toEqual([attempt('b', 1)]);
    });

    it('keeps dead letters, newest seq first, once per seq', async () => {
      const at = '2026-01-01T00:00:00.000Z';
      await sut().addDeadLetter({ subscriptionId: 'a', seq: 3, at, reason: 'HTTP 500 for 72 h' });
      await sut().addDeadLetter({ subscriptionId: 'a', seq: 4, at, reason: 'HTTP 400' });
      await sut().addDeadLetter({ subscriptionId: 'a', seq: 3, at, reason: 'again' });

      expect(await sut().listDeadLetters('a', 10)).toEqual([
        { subscriptionId: 'a', seq: 4, at, reason: 'HTTP 400' },
        { subscriptionId: 'a', seq: 3, at, reason: 'again' },
      ]);
      await expect(sut().listDeadLetters('other', 10)).resolves.toEqual([]);
    });

    it('deletes the subscription with its attempts, dead letters and lease', async () => {
      await sut().insert(subscription('a'));
      await sut().recordAttempt(attempt('a', 1), 5);
      await sut().addDeadLetter({ subscriptionId: 'a', seq: 1, at: '2026-01-01T00:00:00Z', reason: 'x' });
      await sut().acquireLease('a', 'r1', 60_000);

      await expect(sut().delete('t1', 'a')).resolves.toBe(true);
      await expect(sut().delete('t1', 'a')).resolves.toBe(false);

      await expect(sut().find('t1', 'a')).resolves.toBeNull();
      await expect(sut().listAttempts('a', 10)).resolves.toEqual([]);
      await expect(sut().listDeadLetters('a', 10)).resolves.toEqual([]);
      await expect(sut().acquireLease('a', 'r2', 60_000)).resolves.toBe(true);
    });

    it('keeps subscriptions, attempts and dead letters across close and reopen', async () => {
      await sut().insert(subscription('a'));
      await sut().update({ ...subscription('a'), position: 7, rev: 2 });
      await sut().recordAttempt(attempt('a', 7), 5);
      await sut().addDeadLetter({ subscriptionId: 'a', seq: 6, at: '2026-01-01T00:00:00Z', reason: 'x' });
      await adapters.health.close();
      adapters = await harness.open();

      await expect(sut().find('t1', 'a')).resolves.toMatchObject({ position: 7, rev: 2 });
      await expect(sut().listAttempts('a', 10)).resolves.toEqual([attempt('a', 7)]);
      expect((await sut().listDeadLetters('a', 10)).map((d) => d.seq)).toEqual([6]);
    });
  });
}
