import type { Logger } from '@nestjs/common';
import { mock } from 'jest-mock-extended';
import type { JournalEntry, JournalRepository } from '../../store/ports';
import type { SubscriptionRepository } from '../../store/subscription.port';
import { JournalNotifier } from '../journal-notifier';
import type { StreamMetrics } from '../stream.metrics';
import type { StreamEvent } from '../stream-event';
import type { SubscriptionRecord } from '../subscription';
import { DEFAULT_DELIVERY_SETTINGS, DeliverySettings } from './delivery-settings';
import { DeliveryOutcome, PushTransport } from './push-transport';
import { PushTransportRegistry } from './push-transport.registry';
import { CoalescingClock, SubscriptionWorker } from './subscription-worker';

const T = 'contoso';

function entry(seq: number): JournalEntry {
  return {
    tenantId: T,
    seq,
    time: new Date().toISOString(),
    actor: { credentialId: 'c', label: 'Entra' },
    operation: 'create',
    resourceType: 'User',
    resourceId: `u${seq}`,
    changedAttributes: ['userName'],
  };
}

function record(delivery: SubscriptionRecord['delivery']): SubscriptionRecord {
  return {
    id: 'sub',
    tenantId: T,
    name: 'test',
    delivery,
    state: 'active',
    position: 0,
    maxRetryHours: 72,
    secrets: [],
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    attempts: 0,
    deadLettered: 0,
    rev: 1,
  };
}

const BATCHING = { method: 'webhook', url: 'https://hooks.example.com', maxBatchSize: 100 } as const;

/**
 * Time as the test says: `now` moves only when told (or by a wait that runs out), and every coalescing wait is
 * recorded. `duringWait` runs as a wait starts (commits arriving meanwhile); `holdUntilInterrupted` makes a
 * wait last until shutdown or an admin change ends it.
 */
class TestClock implements CoalescingClock {
  t = 1_000_000;
  readonly waits: number[] = [];
  duringWait: () => void = () => undefined;
  holdUntilInterrupted = false;
  now = () => this.t;
  sleep = async (ms: number, interrupt: AbortSignal): Promise<void> => {
    this.waits.push(ms);
    this.duringWait();
    if (!this.holdUntilInterrupted) {
      this.t += ms;
      return;
    }
    await new Promise<void>((resolve) => {
      if (interrupt.aborted) resolve();
      interrupt.addEventListener('abort', () => resolve(), { once: true });
    });
  };
}

/** Records each delivery's seqs; while `held`, a delivery stays in flight until release(). */
class GatedTransport extends PushTransport {
  method: 'webhook' | 'nats' = 'webhook';
  readonly received: number[][] = [];
  held = false;
  /** Outcomes of the next deliveries (acknowledged once it runs out). */
  readonly script: DeliveryOutcome[] = [];
  private readonly gates: Array<() => void> = [];

  async deliver(_s: SubscriptionRecord, events: readonly StreamEvent[]): Promise<DeliveryOutcome> {
    this.received.push(events.map((e) => e.seq));
    if (this.held) await new Promise<void>((resolve) => this.gates.push(resolve));
    return this.script.shift() ?? { kind: 'acknowledged', status: 200 };
  }

  release(): void {
    this.held = false;
    this.releaseHeld();
  }

  /** Lets the deliveries in flight end, holding the next ones still. */
  releaseHeld(): void {
    for (const open of this.gates.splice(0)) open();
  }
}

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** One worker over in-memory ports (a record, a journal, a lease that is always this one's). */
function startWorker(
  subscription: SubscriptionRecord,
  transport: GatedTransport,
  clock: TestClock,
  settings: Partial<DeliverySettings> = {},
) {
  const journal: JournalEntry[] = [];
  const records = new Map([[subscription.id, structuredClone(subscription)]]);
  const subscriptions = mock<SubscriptionRepository>();
  subscriptions.find.mockImplementation(async (_t, id) => structuredClone(records.get(id) ?? null));
  subscriptions.revision.mockImplementation(async (_t, id) => records.get(id)?.rev ?? null);
  subscriptions.update.mockImplementation(async (next) => {
    if (records.get(next.id)?.rev !== next.rev - 1) return false;
    records.set(next.id, structuredClone(next));
    return true;
  });
  subscriptions.acquireLease.mockResolvedValue(true);
  const journalRepo = mock<JournalRepository>();
  journalRepo.read.mockImplementation(async (_t, since, limit) =>
    journal.filter((e) => e.seq > since).slice(0, limit),
  );
  journalRepo.lastSeq.mockImplementation(async () => journal.at(-1)?.seq ?? 0);
  const notifier = new JournalNotifier();
  const abort = new AbortController();
  const worker = new SubscriptionWorker(
    subscription.id,
    T,
    {
      subscriptions,
      journal: journalRepo,
      transports: new PushTransportRegistry([transport]),
      notifier,
      metrics: mock<StreamMetrics>(),
      settings: { ...DEFAULT_DELIVERY_SETTINGS, pollIntervalMs: 60_000, ...settings },
      replicaId: 'replica',
      logger: mock<Logger>(),
      clock,
    },
    abort.signal,
  );
  const done = worker.run();
  return {
    records,
    journal: journalRepo,
    done,
    abort,
    notifier,
    /** Commits entries (as a SCIM write does: journal first, then the notifier). */
    commit(...seqs: number[]) {
      journal.push(...seqs.map((seq) => entry(seq)));
      notifier.committed(T, seqs[seqs.length - 1], seqs.length);
    },
    /** Puts entries in the journal without notifying (a backlog written before the worker started). */
    backlog(...seqs: number[]) {
      journal.push(...seqs.map((seq) => entry(seq)));
    },
  };
}

describe(`${SubscriptionWorker.name}: coalescing under load`, () => {
  let stops: Array<() => Promise<void>>;
  beforeEach(() => (stops = []));
  afterEach(async () => {
    await Promise.all(stops.map((stop) => stop()));
  });

  function start(...args: Parameters<typeof startWorker>) {
    const worker = startWorker(...args);
    stops.push(async () => {
      args[1].release();
      worker.abort.abort();
      await worker.done;
    });
    return worker;
  }

  /** True once the loop went idle again after now (an idle loop asks the journal for its head). */
  const idleAfter = (worker: ReturnType<typeof start>) => {
    const lastSeqCalls = worker.journal.lastSeq.mock.calls.length;
    return () => worker.journal.lastSeq.mock.calls.length > lastSeqCalls;
  };

  it('delivers an isolated commit at once, without a coalescing wait', async () => {
    const transport = new GatedTransport();
    const clock = new TestClock();
    const worker = start(record(BATCHING), transport, clock);
    await until(() => worker.journal.lastSeq.mock.calls.length > 0);

    worker.commit(1);
    await until(() => transport.received.length === 1);
    // Quiet for longer than the window: the next commit goes at once too.
    clock.t += 50;
    worker.commit(2);
    await until(() => transport.received.length === 2);

    expect(transport.received).toEqual([[1], [2]]);
    expect(clock.waits).toEqual([]);
  });

  it('delivers commits that arrive while a delivery is in flight, and during the wait after it, together', async () => {
    const transport = new GatedTransport();
    const clock = new TestClock();
    const worker = start(record(BATCHING), transport, clock);
    await until(() => worker.journal.lastSeq.mock.calls.length > 0);
    transport.held = true;
    worker.commit(1);
    await until(() => transport.received.length === 1);

    // A burst while 1 is in flight, and more in the moment after it.
    worker.commit(2);
    worker.commit(3);
    clock.duringWait = () => {
      clock.duringWait = () => undefined;
      worker.commit(4);
      worker.commit(5);
    };
    transport.release();
    await until(() => transport.received.flat().length === 5);

    expect(transport.received).toEqual([[1], [2, 3, 4, 5]]);
    // One wait, of the whole window (the delivery had just ended): the bound on what it adds.
    expect(clock.waits).toEqual([DEFAULT_DELIVERY_SETTINGS.coalesceWindowMs]);
  });

  it('spaces deliveries under a stream of commits: a commit soon after a delivery waits for the rest of the window', async () => {
    const transport = new GatedTransport();
    const clock = new TestClock();
    const worker = start(record(BATCHING), transport, clock, { coalesceWindowMs: 4 });
    await until(() => worker.journal.lastSeq.mock.calls.length > 0);
    worker.commit(1);
    await until(idleAfter(worker));

    clock.t += 1;
    clock.duringWait = () => worker.commit(3);
    worker.commit(2);
    await until(() => transport.received.flat().length === 3);

    expect(transport.received).toEqual([[1], [2, 3]]);
    expect(clock.waits).toEqual([3]);
  });

  it('does not wait for a transport that sends one event at a time (maxBatchSize 1)', async () => {
    const transport = new GatedTransport();
    const clock = new TestClock();
    const worker = start(record({ method: 'webhook', url: 'https://x' }), transport, clock);
    await until(() => worker.journal.lastSeq.mock.calls.length > 0);
    transport.held = true;
    worker.commit(1);
    await until(() => transport.received.length === 1);
    worker.commit(2);
    transport.release();
    await until(() => transport.received.length === 2);

    expect(clock.waits).toEqual([]);
  });

  it('does not wait when a full batch is waiting already', async () => {
    const transport = new GatedTransport();
    transport.method = 'nats';
    const clock = new TestClock();
    const worker = start(record({ method: 'nats' }), transport, clock, { natsEventsPerDelivery: 2 });
    await until(() => worker.journal.lastSeq.mock.calls.length > 0);
    transport.held = true;
    worker.commit(1);
    await until(() => transport.received.length === 1);
    worker.commit(2);
    worker.commit(3);
    transport.release();
    await until(() => transport.received.length === 2);

    expect(transport.received).toEqual([[1], [2, 3]]);
    expect(clock.waits).toEqual([]);
  });

  it('drains a backlog without waiting: a full page read means more is there', async () => {
    const transport = new GatedTransport();
    const clock = new TestClock();
    const worker = start(record({ ...BATCHING, maxBatchSize: 10 }), transport, clock, { readLimit: 3 });
    await until(() => worker.journal.lastSeq.mock.calls.length > 0);
    worker.backlog(1, 2, 3, 4, 5, 6);
    worker.commit(7);
    await until(() => transport.received.flat().length === 7);

    expect(transport.received).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(clock.waits).toEqual([]);
  });

  it('keeps the position before a coalesced NATS delivery whose middle PubAck failed, then resends it whole', async () => {
    const transport = new GatedTransport();
    transport.method = 'nats';
    const clock = new TestClock();
    const worker = start(record({ method: 'nats' }), transport, clock, {
      retry: { baseMs: 5, maxMs: 20 },
    });
    await until(() => worker.journal.lastSeq.mock.calls.length > 0);
    transport.held = true;
    worker.commit(1);
    await until(() => transport.received.length === 1);
    worker.commit(2);
    clock.duringWait = () => {
      clock.duringWait = () => undefined;
      worker.commit(3, 4);
    };
    // The coalesced delivery 2..4: the PubAck of 3 times out (NatsTransport then answers retry).
    transport.script.push(
      { kind: 'acknowledged' },
      { kind: 'retry', detail: 'NATS publish of contoso:3 failed: TIMEOUT' },
    );
    transport.releaseHeld();
    await until(() => transport.received.length === 2);
    transport.releaseHeld();
    // The retry is held in flight: what the record says meanwhile.
    await until(() => transport.received.length === 3);

    // Only what was acknowledged before (1) is covered: 2 was stored too, yet not a prefix of a whole ack.
    expect(worker.records.get('sub')!).toMatchObject({ position: 1, attempts: 1 });
    transport.release();
    await until(() => worker.records.get('sub')!.position === 4);
    expect(transport.received).toEqual([[1], [2, 3, 4], [2, 3, 4]]);
  });

  it('ends a coalescing wait at once at shutdown, saving what was acknowledged', async () => {
    const transport = new GatedTransport();
    const clock = new TestClock();
    clock.holdUntilInterrupted = true;
    const worker = startWorker(record(BATCHING), transport, clock, { coalesceWindowMs: 60_000 });
    await until(() => worker.journal.lastSeq.mock.calls.length > 0);
    transport.held = true;
    worker.commit(1);
    await until(() => transport.received.length === 1);
    worker.commit(2);
    transport.release();
    await until(() => clock.waits.length === 1);

    worker.abort.abort();
    await worker.done;

    expect(transport.received).toEqual([[1]]);
    expect(worker.records.get('sub')!.position).toBe(1);
  });

  it('ends a coalescing wait at once when an admin replays, and delivers from the replayed position', async () => {
    const transport = new GatedTransport();
    const clock = new TestClock();
    clock.holdUntilInterrupted = true;
    const worker = start(record(BATCHING), transport, clock, {
      coalesceWindowMs: 60_000,
      positionSaveIntervalMs: 0,
    });
    await until(() => worker.journal.lastSeq.mock.calls.length > 0);
    transport.held = true;
    worker.commit(1);
    await until(() => transport.received.length === 1);
    worker.commit(2);
    transport.release();
    await until(() => clock.waits.length === 1 && worker.records.get('sub')!.position === 1);

    // The admin API's replay: position and replays on the record, then the notifier.
    const current = worker.records.get('sub')!;
    worker.records.set('sub', { ...current, position: 0, replays: 1, rev: current.rev + 1 });
    worker.notifier.subscriptionsChanged(T);
    await until(() => transport.received.length === 2);

    // Resent from the replayed position (what the read-ahead still holds first).
    expect(transport.received[1][0]).toBe(1);
  });
});
