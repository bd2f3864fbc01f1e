import { mock } from 'jest-mock-extended';
import type { AppConfig } from '../../config/app-config';
import type { JournalEntry, JournalRepository } from '../../store/ports';
import type { SubscriptionRepository } from '../../store/subscription.port';
import { JournalNotifier } from '../journal-notifier';
import type { StreamMetrics } from '../stream.metrics';
import type { StreamEvent } from '../stream-event';
import type { SubscriptionRecord } from '../subscription';
import { DeliveryScheduler } from './delivery-scheduler';
import type { DeliverySettings } from './delivery-settings';
import { DeliveryOutcome, PushTransport } from './push-transport';
import { PushTransportRegistry } from './push-transport.registry';

const T = 'contoso';
const FAST: Partial<DeliverySettings> = {
  scanIntervalMs: 20,
  pollIntervalMs: 20,
  leaseTtlMs: 300,
  retry: { baseMs: 5, maxMs: 20 },
};

function entry(seq: number, extra: Partial<JournalEntry> = {}): JournalEntry {
  return {
    tenantId: T,
    seq,
    time: new Date().toISOString(),
    actor: { credentialId: 'c', label: 'Entra' },
    operation: 'create',
    resourceType: 'User',
    resourceId: `u${seq}`,
    changedAttributes: ['userName'],
    ...extra,
  };
}

function record(extra: Partial<SubscriptionRecord> = {}): SubscriptionRecord {
  return {
    id: 'sub',
    tenantId: T,
    name: 'test',
    delivery: { method: 'webhook', url: 'https://hooks.example.com' },
    state: 'active',
    position: 0,
    maxRetryHours: 72,
    secrets: [],
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    attempts: 0,
    deadLettered: 0,
    rev: 1,
    ...extra,
  };
}

/** The ports as jest-mock-extended mocks over an in-memory state: a record map, a journal, leases. */
function fakePorts(journal: JournalEntry[]) {
  const records = new Map<string, SubscriptionRecord>();
  const leases = new Map<string, { owner: string; until: number }>();
  const subscriptions = mock<SubscriptionRepository>();
  subscriptions.find.mockImplementation(async (_t, id) => structuredClone(records.get(id) ?? null));
  subscriptions.revision.mockImplementation(async (_t, id) => records.get(id)?.rev ?? null);
  subscriptions.listAll.mockImplementation(async () => [...records.values()].map((r) => structuredClone(r)));
  subscriptions.update.mockImplementation(async (next) => {
    const current = records.get(next.id);
    if (!current || current.rev !== next.rev - 1) return false;
    records.set(next.id, structuredClone(next));
    return true;
  });
  subscriptions.acquireLease.mockImplementation(async (id, owner, ttl) => {
    const lease = leases.get(id);
    if (lease && lease.owner !== owner && lease.until > Date.now()) return false;
    leases.set(id, { owner, until: Date.now() + ttl });
    return true;
  });
  subscriptions.releaseLease.mockImplementation(async (id, owner) => {
    if (leases.get(id)?.owner === owner) leases.delete(id);
  });
  const journalRepo = mock<JournalRepository>();
  journalRepo.read.mockImplementation(async (_t, since, limit) =>
    journal.filter((e) => e.seq > since).slice(0, limit),
  );
  journalRepo.lastSeq.mockImplementation(async () => journal.at(-1)?.seq ?? 0);
  return { records, leases, subscriptions, journal: journalRepo };
}

/** A transport answering from a script (acknowledged once the script runs out), recording what it got. */
class ScriptedTransport extends PushTransport {
  readonly method: 'webhook' | 'nats' = 'webhook';
  readonly received: StreamEvent[][] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly script: DeliveryOutcome[] = []) {
    super();
  }

  async deliver(_s: SubscriptionRecord, events: readonly StreamEvent[]): Promise<DeliveryOutcome> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.received.push([...events]);
    await new Promise((resolve) => setTimeout(resolve, 2));
    this.inFlight--;
    return this.script.shift() ?? { kind: 'acknowledged', status: 200 };
  }
}

/** The positions saved through update(), with when. */
function recordSaves(ports: ReturnType<typeof fakePorts>): { at: number; position: number }[] {
  const saves: { at: number; position: number }[] = [];
  const update = ports.subscriptions.update.getMockImplementation()!;
  ports.subscriptions.update.mockImplementation(async (next) => {
    const previous = ports.records.get(next.id)?.position;
    const done = await update(next);
    if (done && next.position !== previous) saves.push({ at: Date.now(), position: next.position });
    return done;
  });
  return saves;
}

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe(DeliveryScheduler.name, () => {
  const config = { streamRetryBaseMs: 5, streamRetryMaxMs: 20 } as AppConfig;
  let schedulers: DeliveryScheduler[];

  function scheduler(
    ports: ReturnType<typeof fakePorts>,
    transport: PushTransport,
    notifier = new JournalNotifier(),
    settings = FAST,
  ) {
    const sut = new DeliveryScheduler(
      ports.subscriptions,
      ports.journal,
      new PushTransportRegistry([transport]),
      notifier,
      mock<StreamMetrics>(),
      config,
      settings,
    );
    schedulers.push(sut);
    return sut;
  }

  beforeEach(() => (schedulers = []));
  afterEach(async () => {
    await Promise.all(schedulers.map((s) => s.stop()));
  });

  it('delivers every event in seq order, one at a time, and persists the position once acknowledged', async () => {
    const ports = fakePorts([1, 2, 3, 4, 5].map((n) => entry(n)));
    ports.records.set('sub', record());
    const transport = new ScriptedTransport();
    scheduler(ports, transport).start();

    await until(() => ports.records.get('sub')!.position === 5);

    expect(transport.received.map((batch) => batch.map((e) => e.seq))).toEqual([[1], [2], [3], [4], [5]]);
    expect(transport.received[0][0].id).toBe(`${T}:1`);
    expect(transport.maxInFlight).toBe(1);
    expect(ports.subscriptions.recordAttempt).toHaveBeenCalledWith(
      expect.objectContaining({ toSeq: 5, outcome: 'acknowledged', status: 200 }),
      100,
    );
  });

  it('reads the journal ahead instead of once per event', async () => {
    const ports = fakePorts(Array.from({ length: 20 }, (_, i) => entry(i + 1)));
    ports.records.set('sub', record());
    scheduler(ports, new ScriptedTransport(), new JournalNotifier(), {
      ...FAST,
      pollIntervalMs: 60_000,
    }).start();

    await until(() => ports.records.get('sub')!.position === 20);

    // One read for the 20, then going idle: one finding nothing, the position saved, one more to judge expiry.
    expect(ports.journal.read.mock.calls.length).toBeLessThanOrEqual(3);
  });

  it('sends batches of up to maxBatchSize events', async () => {
    const ports = fakePorts([1, 2, 3, 4, 5].map((n) => entry(n)));
    ports.records.set('sub', record({ delivery: { method: 'webhook', url: 'https://x', maxBatchSize: 2 } }));
    const transport = new ScriptedTransport();
    scheduler(ports, transport).start();

    await until(() => ports.records.get('sub')!.position === 5);

    expect(transport.received.map((batch) => batch.map((e) => e.seq))).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('publishes NATS events natsEventsPerDelivery at a time, saving the position once per batch', async () => {
    const ports = fakePorts(Array.from({ length: 7 }, (_, i) => entry(i + 1)));
    ports.records.set('sub', record({ delivery: { method: 'nats' } }));
    const transport = new ScriptedTransport();
    (transport as { method: string }).method = 'nats';
    scheduler(ports, transport, new JournalNotifier(), { ...FAST, natsEventsPerDelivery: 3 }).start();

    await until(() => ports.records.get('sub')!.position === 7);

    expect(transport.received.map((batch) => batch.map((e) => e.seq))).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('retries a failed NATS batch from its first event', async () => {
    const ports = fakePorts([1, 2, 3].map((n) => entry(n)));
    ports.records.set('sub', record({ delivery: { method: 'nats' } }));
    const transport = new ScriptedTransport([{ kind: 'retry', detail: 'publish timed out' }]);
    (transport as { method: string }).method = 'nats';
    scheduler(ports, transport, new JournalNotifier(), { ...FAST, natsEventsPerDelivery: 3 }).start();

    await until(() => ports.records.get('sub')!.position === 3);

    expect(transport.received.map((batch) => batch.map((e) => e.seq))).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it('skips events outside the filters but moves the position over them', async () => {
    const ports = fakePorts([
      entry(1),
      entry(2, { resourceType: 'Group' }),
      entry(3, { operation: 'deactivate' }),
      entry(4, { resourceType: 'Group' }),
    ]);
    ports.records.set('sub', record({ resourceTypes: ['User'], eventTypes: ['user.deactivated'] }));
    const transport = new ScriptedTransport();
    scheduler(ports, transport).start();

    await until(() => ports.records.get('sub')!.position === 4);

    expect(transport.received.map((batch) => batch.map((e) => [e.seq, e.type]))).toEqual([
      [[3, 'user.deactivated']],
    ]);
  });

  it('retries a failed event with backoff, showing failing, and resends the same id until acknowledged', async () => {
    const ports = fakePorts([entry(1), entry(2)]);
    ports.records.set('sub', record());
    const transport = new ScriptedTransport([
      { kind: 'retry', status: 503, detail: 'the consumer answered HTTP 503' },
      { kind: 'retry', detail: 'connection failed: ECONNREFUSED' },
    ]);
    const sut = scheduler(ports, transport);
    const seen: SubscriptionRecord[] = [];
    ports.subscriptions.update.mockImplementation(async (next) => {
      seen.push(structuredClone(next));
      ports.records.set(next.id, structuredClone(next));
      return true;
    });
    sut.start();

    await until(() => ports.records.get('sub')!.position === 2);

    expect(transport.received.map((b) => b[0].id)).toEqual([`${T}:1`, `${T}:1`, `${T}:1`, `${T}:2`]);
    expect(seen[0]).toMatchObject({
      attempts: 1,
      position: 0,
      lastError: { status: 503, detail: 'the consumer answered HTTP 503' },
      nextAttemptAt: expect.any(String),
      failingSince: expect.any(String),
    });
    expect(seen[1]).toMatchObject({ attempts: 2, lastError: { detail: 'connection failed: ECONNREFUSED' } });
    expect(ports.records.get('sub')).toMatchObject({ attempts: 0, deadLettered: 0 });
    expect(ports.records.get('sub')!.nextAttemptAt).toBeUndefined();
  });

  it('dead-letters an event once its retry window is over and moves on', async () => {
    const ports = fakePorts([entry(1), entry(2)]);
    ports.records.set('sub', record({ maxRetryHours: 0 }));
    const transport = new ScriptedTransport([{ kind: 'retry', status: 500, detail: 'HTTP 500' }]);
    scheduler(ports, transport).start();

    await until(() => ports.records.get('sub')!.position === 2);

    expect(ports.subscriptions.addDeadLetter).toHaveBeenCalledWith(
      expect.objectContaining({ subscriptionId: 'sub', seq: 1, reason: 'HTTP 500; retried for 0 h' }),
    );
    expect(ports.records.get('sub')).toMatchObject({ deadLettered: 1, attempts: 0 });
    expect(transport.received.map((b) => b[0].seq)).toEqual([1, 2]);
  });

  it('keeps retrying within the window', async () => {
    const ports = fakePorts([entry(1)]);
    ports.records.set(
      'sub',
      record({ maxRetryHours: 1, failingSince: new Date(Date.now() - 1000).toISOString(), attempts: 3 }),
    );
    const transport = new ScriptedTransport([{ kind: 'retry', status: 500, detail: 'HTTP 500' }]);
    scheduler(ports, transport).start();

    await until(() => ports.records.get('sub')!.position === 1);

    expect(ports.subscriptions.addDeadLetter).not.toHaveBeenCalled();
    expect(transport.received).toHaveLength(2);
  });

  it('dead-letters a rejected event at once', async () => {
    const ports = fakePorts([entry(1), entry(2)]);
    ports.records.set('sub', record());
    const transport = new ScriptedTransport([
      { kind: 'reject', status: 400, detail: 'the consumer answered HTTP 400' },
    ]);
    scheduler(ports, transport).start();

    await until(() => ports.records.get('sub')!.position === 2);

    expect(ports.subscriptions.addDeadLetter).toHaveBeenCalledWith(
      expect.objectContaining({ seq: 1, reason: 'the consumer answered HTTP 400' }),
    );
    expect(ports.subscriptions.recordAttempt).toHaveBeenCalledWith(
      expect.objectContaining({ fromSeq: 1, outcome: 'rejected' }),
      100,
    );
  });

  it('pauses the subscription when the consumer is gone', async () => {
    const ports = fakePorts([entry(1), entry(2)]);
    ports.records.set('sub', record());
    const transport = new ScriptedTransport([
      { kind: 'gone', status: 410, detail: 'the consumer answered 410 Gone' },
    ]);
    scheduler(ports, transport).start();

    await until(() => ports.records.get('sub')!.state === 'paused');
    await new Promise((resolve) => setTimeout(resolve, 60));

    expect(ports.records.get('sub')).toMatchObject({
      position: 0,
      stateReason: 'the consumer answered 410 Gone',
    });
    expect(transport.received).toHaveLength(1);
  });

  it('expires a subscription whose next events retention has removed', async () => {
    const ports = fakePorts([entry(5), entry(6)]);
    ports.records.set('sub', record({ position: 2 }));
    const transport = new ScriptedTransport();
    scheduler(ports, transport).start();

    await until(() => ports.records.get('sub')!.state === 'expired');

    expect(ports.records.get('sub')!.stateReason).toContain(
      'events 3..4 were removed by JOURNAL_RETENTION_DAYS',
    );
    expect(transport.received).toEqual([]);
  });

  it('expires a subscription when retention removed everything after its position', async () => {
    const ports = fakePorts([]);
    ports.journal.lastSeq.mockResolvedValue(9);
    ports.records.set('sub', record({ position: 3 }));
    scheduler(ports, new ScriptedTransport()).start();

    await until(() => ports.records.get('sub')!.state === 'expired');

    expect(ports.records.get('sub')!.stateReason).toContain('events 4..9');
  });

  it('sends nothing while another replica holds the lease', async () => {
    const ports = fakePorts([entry(1)]);
    ports.records.set('sub', record());
    ports.leases.set('sub', { owner: 'other-replica', until: Date.now() + 60_000 });
    const transport = new ScriptedTransport();
    scheduler(ports, transport).start();

    await new Promise((resolve) => setTimeout(resolve, 150));

    expect(transport.received).toEqual([]);
  });

  it('leaves sse subscriptions and paused ones alone', async () => {
    const ports = fakePorts([entry(1)]);
    ports.records.set('sse', record({ id: 'sse', delivery: { method: 'sse' } }));
    ports.records.set('paused', record({ id: 'paused', state: 'paused' }));
    const transport = new ScriptedTransport();
    const sut = scheduler(ports, transport);
    sut.start();

    await new Promise((resolve) => setTimeout(resolve, 100));

    expect([transport.received, sut.running()]).toEqual([[], []]);
  });

  it('wakes at once on a commit of the tenant instead of waiting for the next poll', async () => {
    const journal: JournalEntry[] = [];
    const ports = fakePorts(journal);
    ports.records.set('sub', record());
    const transport = new ScriptedTransport();
    const notifier = new JournalNotifier();
    scheduler(ports, transport, notifier, { ...FAST, pollIntervalMs: 60_000 }).start();
    await until(() => ports.journal.lastSeq.mock.calls.length > 0);

    journal.push(entry(1));
    const committedAt = Date.now();
    notifier.committed(T, 1);
    await until(() => transport.received.length === 1, 1000);

    expect(Date.now() - committedAt).toBeLessThan(500);
  });

  it('starts delivering a subscription created after its scan at once, not at the next scan', async () => {
    const ports = fakePorts([entry(1)]);
    const transport = new ScriptedTransport();
    const notifier = new JournalNotifier();
    scheduler(ports, transport, notifier, { ...FAST, scanIntervalMs: 60_000 }).start();
    await until(() => ports.subscriptions.listAll.mock.calls.length === 1);

    ports.records.set('sub', record());
    notifier.subscriptionsChanged(T);
    notifier.subscriptionsChanged(T);
    await until(() => transport.received.length === 1, 1000);

    expect(transport.received[0].map((e) => e.seq)).toEqual([1]);
    // Two changes while one scan was due: one scan more, not two.
    expect(ports.subscriptions.listAll.mock.calls.length).toBeLessThanOrEqual(2);
  });

  it('lets two schedulers on one repository deliver a subscription one at a time, the second taking over', async () => {
    const journal = Array.from({ length: 30 }, (_, i) => entry(i + 1));
    const ports = fakePorts(journal);
    ports.records.set('sub', record());
    const transport = new ScriptedTransport();
    const first = scheduler(ports, transport);
    const second = scheduler(ports, transport);
    first.start();
    second.start();
    await until(() => ports.records.get('sub')!.position >= 10);

    expect([first.running().length + second.running().length, transport.maxInFlight]).toEqual([1, 1]);
    const holder = first.running().length === 1 ? first : second;
    await holder.stop();
    await until(() => ports.records.get('sub')!.position === 30);

    const seqs = transport.received.map((b) => b[0].seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs)).toEqual(new Set(journal.map((e) => e.seq)));
    expect(transport.maxInFlight).toBe(1);
  });

  it('releases its leases when it stops', async () => {
    const ports = fakePorts([entry(1)]);
    ports.records.set('sub', record());
    const sut = scheduler(ports, new ScriptedTransport());
    sut.start();
    await until(() => ports.records.get('sub')!.position === 1);

    await sut.stop();

    expect(ports.leases.has('sub')).toBe(false);
  });

  describe('position saves', () => {
    const steady = (n: number) => Array.from({ length: n }, (_, i) => entry(i + 1));

    it('saves the position at most every positionSaveIntervalMs under a steady stream', async () => {
      const ports = fakePorts(steady(150));
      ports.records.set('sub', record());
      const saves = recordSaves(ports);
      const transport = new ScriptedTransport();
      const startedAt = Date.now();
      scheduler(ports, transport, new JournalNotifier(), { ...FAST, positionSaveIntervalMs: 50 }).start();

      await until(() => ports.records.get('sub')!.position === 150, 5000);

      const elapsed = Date.now() - startedAt;
      expect(transport.received).toHaveLength(150);
      // All but the last save (going idle) are at least an interval apart.
      const gaps = saves.slice(0, -1).map((save, i) => (i === 0 ? Infinity : save.at - saves[i - 1].at));
      expect(gaps.every((gap) => gap >= 45)).toBe(true);
      expect(saves.length).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 1);
      expect(saves.length).toBeGreaterThanOrEqual(3); // saved on the way, not only when idle
      expect(saves.length).toBeLessThan(150 / 5);
      expect(saves.map((save) => save.position)).toEqual(
        [...saves.map((save) => save.position)].sort((a, b) => a - b),
      );
    });

    it('saves an idle loop’s position once the interval has passed since the last save', async () => {
      const ports = fakePorts(steady(3));
      ports.records.set('sub', record());
      const saves = recordSaves(ports);
      const transport = new ScriptedTransport();
      const startedAt = Date.now();
      scheduler(ports, transport, new JournalNotifier(), { ...FAST, positionSaveIntervalMs: 300 }).start();

      await until(() => transport.received.length === 3, 1000);
      expect(ports.records.get('sub')!.position).toBe(0);
      await until(() => ports.records.get('sub')!.position === 3, 1000);

      expect(saves.map((save) => save.position)).toEqual([3]);
      expect(saves[0].at - startedAt).toBeGreaterThanOrEqual(290);
      expect(ports.records.get('sub')!.lastDeliveredAt).toEqual(expect.any(String));
    });

    it('saves a trickle of events (one commit at a time) once per interval, not once per event', async () => {
      const journal: JournalEntry[] = [];
      const ports = fakePorts(journal);
      ports.records.set('sub', record());
      const saves = recordSaves(ports);
      const notifier = new JournalNotifier();
      const transport = new ScriptedTransport();
      scheduler(ports, transport, notifier, { ...FAST, positionSaveIntervalMs: 100 }).start();

      const startedAt = Date.now();
      for (let seq = 1; seq <= 30; seq++) {
        journal.push(entry(seq));
        notifier.committed(T, seq);
        await new Promise((r) => setTimeout(r, 10));
      }
      await until(() => ports.records.get('sub')!.position === 30, 2000);

      expect(transport.received.flat().map((e) => e.seq)).toEqual(steady(30).map((e) => e.seq));
      expect(saves.length).toBeLessThanOrEqual(Math.ceil((Date.now() - startedAt) / 100) + 1);
      expect(saves.length).toBeLessThan(10);
    });

    it('saves what was acknowledged before it stops', async () => {
      const ports = fakePorts(steady(1000));
      ports.records.set('sub', record());
      const transport = new ScriptedTransport();
      const sut = scheduler(ports, transport, new JournalNotifier(), {
        ...FAST,
        positionSaveIntervalMs: 60_000,
      });
      sut.start();
      await until(() => transport.received.length >= 5);
      expect(ports.records.get('sub')!.position).toBe(0);

      await sut.stop();

      expect(ports.records.get('sub')!.position).toBe(transport.received.at(-1)![0].seq);
      expect(ports.leases.has('sub')).toBe(false);
    });

    it('saves unsaved progress before a failure is recorded, then records the failure on its own', async () => {
      const ports = fakePorts(steady(3));
      ports.records.set('sub', record());
      const transport = new ScriptedTransport([
        { kind: 'acknowledged', status: 200 },
        { kind: 'acknowledged', status: 200 },
        { kind: 'retry', status: 503, detail: 'HTTP 503' },
      ]);
      scheduler(ports, transport, new JournalNotifier(), { ...FAST, positionSaveIntervalMs: 60_000 }).start();

      await until(() => ports.records.get('sub')!.position === 3);

      expect(
        ports.subscriptions.recordAttempt.mock.calls.map(([a]) => [a.fromSeq, a.toSeq, a.outcome]),
      ).toEqual([
        [1, 2, 'acknowledged'],
        [3, 3, 'retry'],
        [3, 3, 'acknowledged'],
      ]);
      expect(ports.records.get('sub')).toMatchObject({ attempts: 0 });
    });

    it('lets a replay during unsaved progress win: the unsaved position is dropped, delivery resumes after the replay', async () => {
      const ports = fakePorts(steady(40));
      ports.records.set('sub', record());
      const saves = recordSaves(ports);
      const transport = new ScriptedTransport();
      scheduler(ports, transport, new JournalNotifier(), { ...FAST, positionSaveIntervalMs: 500 }).start();
      await until(() => transport.received.length >= 10);

      // The admin API: a compare-and-swap with the next rev, position = fromSeq - 1 (here the saved one, 0).
      const stored = ports.records.get('sub')!;
      expect(stored.position).toBe(0);
      ports.records.set('sub', { ...stored, position: 0, replays: 1, rev: stored.rev + 1 });
      const replayedAt = transport.received.length;
      await until(() => ports.records.get('sub')!.position === 40);

      const after = transport.received.slice(replayedAt).map((b) => b[0].seq);
      const restart = after.indexOf(1);
      expect(restart).toBeGreaterThanOrEqual(0);
      expect(restart).toBeLessThanOrEqual(1); // at most the attempt in flight during the replay
      expect(after.slice(restart)).toEqual(steady(40).map((e) => e.seq));
      expect(saves.map((save) => save.position)).toEqual([40]);
    });

    it('keeps unsaved progress through an admin change that did not move the position (a PATCH)', async () => {
      const ports = fakePorts(steady(40));
      ports.records.set('sub', record());
      const transport = new ScriptedTransport();
      scheduler(ports, transport, new JournalNotifier(), { ...FAST, positionSaveIntervalMs: 500 }).start();
      await until(() => transport.received.length >= 10);

      const stored = ports.records.get('sub')!;
      ports.records.set('sub', { ...stored, name: 'renamed', rev: stored.rev + 1 });
      await until(() => ports.records.get('sub')!.position === 40);

      expect(transport.received.map((b) => b[0].seq)).toEqual(steady(40).map((e) => e.seq));
      expect(ports.records.get('sub')!.name).toBe('renamed');
    });

    it('coalesces acknowledged attempts into one record per saved position, covering fromSeq..toSeq', async () => {
      const ports = fakePorts(steady(6));
      ports.records.set('sub', record());
      scheduler(ports, new ScriptedTransport(), new JournalNotifier(), {
        ...FAST,
        positionSaveIntervalMs: 500,
      }).start();

      await until(() => ports.records.get('sub')!.position === 6);

      expect(ports.subscriptions.recordAttempt).toHaveBeenCalledTimes(1);
      expect(ports.subscriptions.recordAttempt).toHaveBeenCalledWith(
        {
          subscriptionId: 'sub',
          fromSeq: 1,
          toSeq: 6,
          at: expect.any(String),
          outcome: 'acknowledged',
          status: 200,
          durationMs: expect.any(Number),
          deliveries: 6,
        },
        100,
      );
    });

    it('renews the lease only when what is left would not outlive the next attempt', async () => {
      const ports = fakePorts(steady(60));
      ports.records.set('sub', record({ delivery: { method: 'webhook', url: 'https://x', timeoutMs: 100 } }));
      const transport = new ScriptedTransport();
      const startedAt = Date.now();
      scheduler(ports, transport, new JournalNotifier(), { ...FAST, leaseTtlMs: 3000 }).start();

      await until(() => ports.records.get('sub')!.position === 60);

      // 60 attempts of ~2 ms, lease 3 s: the first take covers them all (before: one renewal per attempt).
      expect(Date.now() - startedAt).toBeLessThan(1000);
      expect(ports.subscriptions.acquireLease.mock.calls.length).toBeLessThanOrEqual(2);
      // Still: the lease outlives every attempt (timeout + margin) when it starts.
      for (const [, , ttl] of ports.subscriptions.acquireLease.mock.calls)
        expect(ttl).toBeGreaterThanOrEqual(3000);
    });

    it('renews the lease before an attempt whose timeout the lease left would not outlive', async () => {
      const ports = fakePorts(steady(20));
      ports.records.set('sub', record());
      scheduler(ports, new ScriptedTransport(), new JournalNotifier(), FAST).start();

      await until(() => ports.records.get('sub')!.position === 20);

      // Lease 300 ms, attempt timeout 10 s: renewed once for timeout + 5 s + a third of the lease, then held.
      const ttls = ports.subscriptions.acquireLease.mock.calls.map(([, , ttl]) => ttl);
      expect(ttls).toContain(15_100);
      expect(ttls.length).toBeLessThanOrEqual(3);
    });
  });
});
