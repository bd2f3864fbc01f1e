import { Logger } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import type { JournalEntry, JournalRepository } from '../../store/ports';
import type { SubscriptionRepository } from '../../store/subscription.port';
import type { JournalNotifier } from '../journal-notifier';
import type { StreamMetrics } from '../stream.metrics';
import type { StreamEvent } from '../stream-event';
import type { SubscriptionRecord } from '../subscription';
import { DeliveryCoalescing } from './delivery-coalescing';
import { DeliveryLease } from './delivery-lease';
import { planFailure } from './delivery-failure';
import { coalescedAttempt, DeliveryProgress } from './delivery-progress';
import type { DeliverySettings } from './delivery-settings';
import { batchLimit, nextBatch } from './next-batch';
import type { DeliveryOutcome } from './push-transport';
import type { PushTransportRegistry } from './push-transport.registry';

export interface WorkerDependencies {
  subscriptions: SubscriptionRepository;
  journal: JournalRepository;
  transports: PushTransportRegistry;
  notifier: JournalNotifier;
  metrics: StreamMetrics;
  settings: DeliverySettings;
  replicaId: string;
  logger: Logger;
  /** The clock of the coalescing wait (tests inject theirs): Date.now and a timer by default. */
  clock?: CoalescingClock;
}

export interface CoalescingClock {
  now(): number;
  /** Resolves after ms, or at once when `interrupt` aborts (shutdown, an admin change of the subscription). */
  sleep(ms: number, interrupt: AbortSignal): Promise<void>;
}

const SYSTEM_CLOCK: CoalescingClock = {
  now: Date.now,
  sleep: (ms, interrupt) => delay(ms, undefined, { signal: interrupt }).catch(() => undefined),
};

type Step = 'progress' | 'idle' | 'stop';

/**
 * The delivery loop of one subscription on this replica (issue "Streaming", Guarantees; docs/streaming.md):
 * under the subscription's lease, read the journal after `position`, send the next event (or batch) through
 * the transport of its method, and move the position only once the consumer acknowledged. One attempt in
 * flight, so events arrive in seq order. Ends when the lease belongs to another replica, the subscription
 * is no longer active, or the scheduler stops (the signal); the scheduler starts it again when needed.
 *
 * Acknowledged progress is saved at most every positionSaveIntervalMs while events keep coming, always when
 * the loop goes idle or ends and before any failure or state change (DeliveryProgress); before each delivery
 * the record's rev is compared, so an admin's replay or pause still takes effect before the next one.
 *
 * Under a stream of commits, a delivery of a batching transport waits for the rest of coalesceWindowMs after
 * the previous one (DeliveryCoalescing), so that several commits leave in one delivery; commits do not cut
 * that wait short, shutdown and admin changes of the subscription do.
 */
export class SubscriptionWorker {
  private wakeUp?: () => void;
  private pendingWake = false;
  private knownHead = 0;
  /** Entries read ahead and not yet passed (one journal read serves many single-event deliveries). */
  private readAhead: JournalEntry[] = [];
  /** The record as last read or written by this loop; re-read when the stored rev differs. */
  private record: SubscriptionRecord | null = null;
  /** Whether the last journal read returned a full page: more is likely waiting (a drain, a replay). */
  private lastReadFull = false;
  private readonly progress = new DeliveryProgress();
  private readonly lease: DeliveryLease;
  private readonly clock: CoalescingClock;
  private readonly coalescing: DeliveryCoalescing;
  /** Aborted (and replaced) by an admin change of the tenant's subscriptions, and at shutdown. */
  private changes = new AbortController();

  constructor(
    readonly subscriptionId: string,
    private readonly tenantId: string,
    private readonly deps: WorkerDependencies,
    private readonly signal: AbortSignal,
  ) {
    this.lease = new DeliveryLease(
      deps.subscriptions,
      subscriptionId,
      deps.replicaId,
      deps.settings.leaseTtlMs,
    );
    this.clock = deps.clock ?? SYSTEM_CLOCK;
    this.coalescing = new DeliveryCoalescing(deps.settings.coalesceWindowMs, this.clock.now);
  }

  async run(): Promise<void> {
    const unsubscribe = this.deps.notifier.onCommit(this.tenantId, (lastSeq) => {
      this.knownHead = Math.max(this.knownHead, lastSeq);
      this.wake();
    });
    // A replay or pause through this replica's admin API ends a coalescing wait at once (its rev is read next).
    const unsubscribeChanges = this.deps.notifier.onSubscriptionsChanged((tenantId) => {
      if (tenantId === this.tenantId) this.interruptCoalescing();
    });
    const onAbort = () => this.interruptCoalescing();
    this.signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        if (this.signal.aborted) return;
        const step = await this.step();
        if (step === 'stop') return;
        if (step === 'idle') await this.sleep(this.deps.settings.pollIntervalMs);
      }
    } catch (error) {
      // A store failure: the scheduler's next scan starts the loop again.
      if (!this.signal.aborted) this.logFailure('Delivery loop failed', error);
    } finally {
      unsubscribe();
      unsubscribeChanges();
      this.signal.removeEventListener('abort', onAbort);
      // What the consumer acknowledged is saved before the lease goes (a crash before it resends it).
      await this.flush().catch((error) => this.logFailure('Saving the position failed', error));
      await this.lease.release().catch(() => undefined);
    }
  }

  /** A commit of the tenant (or an admin change): look at the journal now instead of at the next poll. */
  wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  private async step(): Promise<Step> {
    await this.coalesce();
    if (this.signal.aborted) return 'stop';
    if (!(await this.lease.hold())) return 'stop';
    this.pendingWake = false;
    const subscription = await this.current();
    if (!subscription || subscription.state !== 'active') return 'stop';
    const transport = this.deps.transports.get(subscription.delivery.method);
    if (!transport) return 'stop';
    const waitMs = subscription.nextAttemptAt ? Date.parse(subscription.nextAttemptAt) - Date.now() : 0;
    if (waitMs > 0) {
      // Backing off; woken early only to re-read the record (an admin may have replayed or resumed it).
      await this.sleep(Math.min(waitMs, this.deps.settings.leaseTtlMs / 3));
      return 'progress';
    }
    const position = this.progress.position ?? subscription.position;
    const entries = await this.entriesAfter(position);
    // Idle or a gap with unsaved progress: save it and look again (the expiry check must follow a read at
    // once). Idle progress is saved once the interval has passed, unless events come first: a trickle of
    // events then costs one save per interval, not one per event.
    const gap = entries.length > 0 && entries[0].seq > position + 1;
    if ((entries.length === 0 || gap) && this.progress.position !== undefined) {
      const untilDue = gap ? 0 : this.progress.msUntilDue(this.deps.settings.positionSaveIntervalMs);
      if (untilDue > 0) await this.sleep(untilDue);
      // Woken by a commit: deliver first, the save follows with the next events.
      if (!this.pendingWake) await this.flush();
      return 'progress';
    }
    if (entries.length === 0) return this.idle(position);
    this.knownHead = Math.max(this.knownHead, entries[entries.length - 1].seq);
    if (gap) {
      const missing = `${position + 1}..${entries[0].seq - 1}`;
      return this.expire(`events ${missing} were removed by JOURNAL_RETENTION_DAYS before delivery`);
    }
    const delivery = subscription.delivery;
    const max = batchLimit(subscription, this.deps.settings.natsEventsPerDelivery);
    const { events, batch, lastSeq } = nextBatch(subscription, position, entries, max);
    if (events.length === 0) {
      this.progress.skipped(subscription.position, lastSeq);
      this.deps.metrics.lag(this.subscriptionId, this.knownHead - lastSeq);
      if (this.progress.due(this.deps.settings.positionSaveIntervalMs)) await this.flush();
      return 'progress';
    }
    const timeoutMs =
      delivery.method === 'webhook' || delivery.method === 'push' ? (delivery.timeoutMs ?? 10_000) : 10_000;
    if (!(await this.lease.holdFor(timeoutMs))) return 'stop';
    const started = Date.now();
    let outcome: DeliveryOutcome;
    try {
      outcome = await transport.deliver(subscription, events, this.signal, batch);
    } catch (error) {
      outcome = { kind: 'retry', detail: `transport failed: ${(error as Error).message ?? String(error)}` };
    }
    if (this.signal.aborted && outcome.kind !== 'acknowledged') return 'stop';
    const durationMs = Date.now() - started;
    if (outcome.kind === 'acknowledged')
      await this.acknowledged(subscription, events, lastSeq, outcome, durationMs);
    else await this.failed(subscription, position, events, lastSeq, outcome, durationMs);
    return 'progress';
  }

  /**
   * The record, re-read only when its stored rev is not the one this loop last saw (an admin change, or
   * another replica's save). When an admin replayed meanwhile (position moved, or `replays` changed), the
   * unsaved progress is dropped: the admin's position wins and the loop resends from it (at least once).
   */
  private async current(): Promise<SubscriptionRecord | null> {
    const rev = await this.deps.subscriptions.revision(this.tenantId, this.subscriptionId);
    if (rev !== null && this.record?.rev === rev) return this.record;
    const known = this.record;
    this.record =
      rev === null ? null : await this.deps.subscriptions.find(this.tenantId, this.subscriptionId);
    if (
      !this.record ||
      this.record.position !== (this.progress.base ?? this.record.position) ||
      replayed(known, this.record)
    ) {
      this.progress.drop();
      this.coalescing.forget();
    }
    return this.record;
  }

  /**
   * The entries after `position`: from the read-ahead when it continues exactly there, else read afresh (a
   * replay moved the position, or the read-ahead is used up), so that a gap is only ever judged on a read.
   */
  private async entriesAfter(position: number): Promise<JournalEntry[]> {
    const ahead = this.readAhead.filter((e) => e.seq > position);
    if (ahead.length > 0 && ahead[0].seq === position + 1) return (this.readAhead = ahead);
    this.readAhead = await this.deps.journal.read(this.tenantId, position, this.deps.settings.readLimit);
    this.lastReadFull = this.readAhead.length >= this.deps.settings.readLimit;
    return this.readAhead;
  }

  /**
   * Coalescing under load (docs/streaming.md): when commits are known to wait and the previous delivery ended
   * less than coalesceWindowMs ago, waits for the rest of that window before the next read, so that the commits
   * of that moment join the delivery. Decided on the record as last seen: the rev check follows the wait.
   * No wait for a quiet subscription, a transport that sends one event at a time, or a backlog (a drain or a
   * replay goes at full speed).
   */
  private async coalesce(): Promise<void> {
    const record = this.record;
    if (!record || this.signal.aborted) return;
    const position = this.progress.position ?? record.position;
    const waitMs = this.coalescing.waitMs({
      batchLimit: batchLimit(record, this.deps.settings.natsEventsPerDelivery),
      pending: this.knownHead - position,
      backlog: this.lastReadFull || (this.readAhead.at(-1)?.seq ?? 0) > position,
    });
    if (waitMs > 0) await this.clock.sleep(waitMs, this.changes.signal);
  }

  private interruptCoalescing(): void {
    const changes = this.changes;
    this.changes = new AbortController();
    changes.abort();
  }

  private async acknowledged(
    subscription: SubscriptionRecord,
    events: StreamEvent[],
    lastSeq: number,
    outcome: DeliveryOutcome,
    durationMs: number,
  ): Promise<void> {
    const method = subscription.delivery.method;
    const now = Date.now();
    this.deps.metrics.attempt(method, outcome.kind);
    this.deps.metrics.acknowledged(
      method,
      events.map((e) => e.time),
      now,
    );
    this.progress.acknowledged(subscription.position, lastSeq, {
      fromSeq: events[0].seq,
      toSeq: events[events.length - 1].seq,
      at: new Date(now).toISOString(),
      status: outcome.status,
      durationMs,
    });
    this.deps.metrics.lag(this.subscriptionId, this.knownHead - lastSeq);
    this.coalescing.delivered();
    // A recovery from failures clears the failing state at once; otherwise save at most every interval.
    const failing = subscription.attempts > 0 || subscription.failingSince || subscription.nextAttemptAt;
    if (failing || this.progress.due(this.deps.settings.positionSaveIntervalMs, now)) await this.flush();
  }

  private async failed(
    subscription: SubscriptionRecord,
    position: number,
    events: StreamEvent[],
    lastSeq: number,
    outcome: Exclude<DeliveryOutcome, { kind: 'acknowledged' }>,
    durationMs: number,
  ): Promise<void> {
    // What was acknowledged before this failure is saved (and its attempts recorded) first, in order.
    this.coalescing.forget();
    await this.flush();
    const method = subscription.delivery.method;
    const now = new Date();
    const at = now.toISOString();
    this.deps.metrics.attempt(method, outcome.kind);
    const plan = planFailure(subscription, outcome, lastSeq, events.length, this.deps.settings.retry, now);
    if (plan.deadLetterReason !== undefined) {
      for (const event of events) {
        await this.deps.subscriptions.addDeadLetter({
          subscriptionId: this.subscriptionId,
          seq: event.seq,
          at,
          reason: plan.deadLetterReason,
        });
      }
      this.deps.metrics.deadLettered(method, events.length);
    }
    await this.save(position, plan.change);
    const fromSeq = events[0].seq;
    const toSeq = events[events.length - 1].seq;
    // One structured line per failed attempt: ids, seqs, status, detail; never a secret or a signature.
    const { subscriptionId, tenantId } = this;
    const { status, detail } = outcome;
    this.deps.logger.warn({
      msg: 'Delivery attempt failed',
      subscriptionId,
      tenantId,
      method,
      fromSeq,
      toSeq,
      status,
      outcome: plan.recorded,
      detail,
    });
    await this.deps.subscriptions.recordAttempt(
      { subscriptionId, fromSeq, toSeq, at, status, durationMs, outcome: plan.recorded, error: detail },
      this.deps.settings.attemptsKept,
    );
  }

  /**
   * Saves the unsaved progress (position, lastDeliveredAt, failing state cleared) and records its one
   * coalesced attempt. False when an admin replayed meanwhile: the progress is dropped. The attempts are
   * recorded either way (they happened), before the position.
   */
  private async flush(): Promise<boolean> {
    const unsaved = this.progress.take();
    if (!unsaved) return true;
    const { acknowledged } = unsaved;
    // The attempt first: whoever sees the new position also finds the attempt that acknowledged it.
    if (acknowledged) {
      await this.deps.subscriptions.recordAttempt(
        coalescedAttempt(this.subscriptionId, acknowledged),
        this.deps.settings.attemptsKept,
      );
    }
    return this.save(unsaved.base, (s) => {
      s.position = unsaved.position;
      if (!acknowledged) return;
      s.lastDeliveredAt = acknowledged.at;
      s.attempts = 0;
      delete s.failingSince;
      delete s.nextAttemptAt;
    });
  }

  private async idle(position: number): Promise<Step> {
    const head = await this.deps.journal.lastSeq(this.tenantId);
    this.knownHead = head;
    // Nothing left to read, yet the head is further: retention removed everything the subscription missed.
    if (head > position) {
      return this.expire(
        `events ${position + 1}..${head} were removed by JOURNAL_RETENTION_DAYS before delivery`,
      );
    }
    this.deps.metrics.lag(this.subscriptionId, 0);
    return 'idle';
  }

  private async expire(reason: string): Promise<Step> {
    if (!this.record) return 'stop';
    await this.save(this.record.position, (s) => {
      s.state = 'expired';
      s.stateReason = `${reason}; replay from the oldest event kept to resume`;
      delete s.nextAttemptAt;
    });
    this.deps.logger.warn({
      msg: 'Subscription expired',
      subscriptionId: this.subscriptionId,
      tenantId: this.tenantId,
      reason,
    });
    return 'stop';
  }

  /**
   * Applies a delivery change by compare-and-swap onto the record this loop knows. When someone changed the
   * record meanwhile, the change is applied onto the fresh record, unless an admin replayed (the position is
   * no longer `expectedPosition`, or `replays` changed): then the change is dropped and the loop goes on from
   * the new position (at least once: a resend, never a loss). False when dropped.
   */
  private async save(expectedPosition: number, change: (s: SubscriptionRecord) => void): Promise<boolean> {
    for (let attempt = 0; attempt < 5 && this.record; attempt++) {
      const current: SubscriptionRecord = this.record;
      if (current.position !== expectedPosition) return false;
      // A shallow copy: the changes set or delete top-level fields only.
      const next = { ...current, rev: current.rev + 1 };
      change(next);
      if (await this.deps.subscriptions.update(next)) {
        this.record = next;
        return true;
      }
      this.record = await this.deps.subscriptions.find(this.tenantId, this.subscriptionId);
      if (replayed(current, this.record)) return false;
    }
    return false;
  }

  private logFailure(msg: string, error: unknown): void {
    this.deps.logger.error({ msg, subscriptionId: this.subscriptionId, err: error });
  }

  private sleep(ms: number): Promise<void> {
    if (this.pendingWake || this.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', done);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.signal.addEventListener('abort', done, { once: true });
      this.wakeUp = done;
    });
  }
}

/** True when an admin replayed between the two versions of the record (a position set, even to the same). */
function replayed(before: SubscriptionRecord | null, after: SubscriptionRecord | null): boolean {
  return (before?.replays ?? 0) !== (after?.replays ?? 0);
}
