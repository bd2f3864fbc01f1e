import { Logger } from '@nestjs/common';
import type { JournalEntry, JournalRepository } from '../../store/ports';
import type { SubscriptionRepository } from '../../store/subscription.port';
import type { JournalNotifier } from '../journal-notifier';
import type { StreamMetrics } from '../stream.metrics';
import { StreamEvent, toStreamEvent } from '../stream-event';
import type { SubscriptionRecord } from '../subscription';
import { wantsEntry } from '../subscription-filter';
import { retryDelay } from './backoff';
import type { DeliverySettings } from './delivery-settings';
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
}

type Step = 'progress' | 'idle' | 'stop';
const HOUR_MS = 3_600_000;

/**
 * The delivery loop of one subscription on this replica (issue "Streaming", Guarantees; docs/streaming.md):
 * under the subscription's lease, read the journal after `position`, send the next event (or batch) through
 * the transport of its method, and move the position only once the consumer acknowledged. One attempt in
 * flight, so events arrive in seq order. Ends when the lease belongs to another replica, the subscription
 * is no longer active, or the scheduler stops (the signal); the scheduler starts it again when needed.
 */
export class SubscriptionWorker {
  private wakeUp?: () => void;
  private pendingWake = false;
  private leaseRenewedAt = 0;
  private knownHead = 0;
  /** Entries read ahead and not yet passed (one journal read serves many single-event deliveries). */
  private readAhead: JournalEntry[] = [];

  constructor(
    readonly subscriptionId: string,
    private readonly tenantId: string,
    private readonly deps: WorkerDependencies,
    private readonly signal: AbortSignal,
  ) {}

  async run(): Promise<void> {
    const unsubscribe = this.deps.notifier.onCommit(this.tenantId, (lastSeq) => {
      this.knownHead = Math.max(this.knownHead, lastSeq);
      this.wake();
    });
    try {
      for (;;) {
        if (this.signal.aborted) return;
        const step = await this.step();
        if (step === 'stop') return;
        if (step === 'idle') await this.sleep(this.deps.settings.pollIntervalMs);
      }
    } catch (error) {
      // A store failure: the scheduler's next scan starts the loop again.
      if (!this.signal.aborted) {
        this.deps.logger.error({
          msg: 'Delivery loop failed',
          subscriptionId: this.subscriptionId,
          err: error,
        });
      }
    } finally {
      unsubscribe();
      await this.deps.subscriptions
        .releaseLease(this.subscriptionId, this.deps.replicaId)
        .catch(() => undefined);
    }
  }

  /** A commit of the tenant (or an admin change): look at the journal now instead of at the next poll. */
  wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  private async step(): Promise<Step> {
    if (!(await this.holdLease(this.deps.settings.leaseTtlMs))) return 'stop';
    this.pendingWake = false;
    const subscription = await this.deps.subscriptions.find(this.tenantId, this.subscriptionId);
    if (!subscription || subscription.state !== 'active') return 'stop';
    const transport = this.deps.transports.get(subscription.delivery.method);
    if (!transport) return 'stop';
    const waitMs = subscription.nextAttemptAt ? Date.parse(subscription.nextAttemptAt) - Date.now() : 0;
    if (waitMs > 0) {
      // Backing off; woken early only to re-read the record (an admin may have replayed or resumed it).
      await this.sleep(Math.min(waitMs, this.deps.settings.leaseTtlMs / 3));
      return 'progress';
    }
    const entries = await this.entriesAfter(subscription.position);
    if (entries.length === 0) return this.idle(subscription);
    this.knownHead = Math.max(this.knownHead, entries[entries.length - 1].seq);
    if (entries[0].seq > subscription.position + 1) {
      const missing = `${subscription.position + 1}..${entries[0].seq - 1}`;
      return this.expire(
        subscription,
        `events ${missing} were removed by JOURNAL_RETENTION_DAYS before delivery`,
      );
    }
    const { events, batch, lastSeq } = this.nextBatch(subscription, entries);
    if (events.length === 0) {
      await this.save(subscription, (s) => (s.position = lastSeq));
      this.deps.metrics.lag(this.subscriptionId, this.knownHead - lastSeq);
      return 'progress';
    }
    const delivery = subscription.delivery;
    const timeoutMs =
      delivery.method === 'webhook' || delivery.method === 'push' ? (delivery.timeoutMs ?? 10_000) : 10_000;
    // The lease must outlive the attempt, or another replica could send the next event meanwhile.
    if (!(await this.holdLease(Math.max(this.deps.settings.leaseTtlMs, timeoutMs + 5000), true)))
      return 'stop';
    const started = Date.now();
    let outcome: DeliveryOutcome;
    try {
      outcome = await transport.deliver(subscription, events, this.signal, batch);
    } catch (error) {
      outcome = { kind: 'retry', detail: `transport failed: ${(error as Error).message ?? String(error)}` };
    }
    if (this.signal.aborted && outcome.kind !== 'acknowledged') return 'stop';
    await this.settle(subscription, events, lastSeq, outcome, Date.now() - started);
    return 'progress';
  }

  /**
   * The entries after `position`: from the read-ahead when it continues exactly there, else read afresh (a
   * replay moved the position, or the read-ahead is used up), so that a gap is only ever judged on a read.
   */
  private async entriesAfter(position: number): Promise<JournalEntry[]> {
    const ahead = this.readAhead.filter((e) => e.seq > position);
    if (ahead.length > 0 && ahead[0].seq === position + 1) return (this.readAhead = ahead);
    this.readAhead = await this.deps.journal.read(this.tenantId, position, this.deps.settings.readLimit);
    return this.readAhead;
  }

  /**
   * Up to maxBatchSize (webhook) or natsEventsPerDelivery (NATS) wanted events; `lastSeq` also covers the unwanted
   * entries among and after them.
   */
  private nextBatch(
    subscription: SubscriptionRecord,
    entries: JournalEntry[],
  ): { events: StreamEvent[]; batch: JournalEntry[]; lastSeq: number } {
    const { delivery } = subscription;
    const max =
      delivery.method === 'webhook'
        ? (delivery.maxBatchSize ?? 1)
        : delivery.method === 'nats'
          ? this.deps.settings.natsEventsPerDelivery
          : 1;
    const events: StreamEvent[] = [];
    const batch: JournalEntry[] = [];
    let lastSeq = subscription.position;
    for (const entry of entries) {
      const wanted = wantsEntry(subscription, entry);
      if (wanted && events.length === max) break;
      if (wanted) {
        events.push(toStreamEvent(entry));
        batch.push(entry);
      }
      lastSeq = entry.seq;
    }
    return { events, batch, lastSeq };
  }

  private async settle(
    subscription: SubscriptionRecord,
    events: StreamEvent[],
    lastSeq: number,
    outcome: DeliveryOutcome,
    durationMs: number,
  ): Promise<void> {
    const method = subscription.delivery.method;
    const now = new Date();
    const at = now.toISOString();
    this.deps.metrics.attempt(method, outcome.kind);
    const attempt = {
      subscriptionId: this.subscriptionId,
      fromSeq: events[0].seq,
      toSeq: events[events.length - 1].seq,
      at,
      status: outcome.status,
      durationMs,
    };
    if (outcome.kind === 'acknowledged') {
      this.deps.metrics.acknowledged(
        method,
        events.map((e) => e.time),
        now.getTime(),
      );
      await this.save(subscription, (s) => {
        s.position = lastSeq;
        s.lastDeliveredAt = at;
        s.attempts = 0;
        delete s.failingSince;
        delete s.nextAttemptAt;
      });
      this.deps.metrics.lag(this.subscriptionId, this.knownHead - lastSeq);
      await this.deps.subscriptions.recordAttempt(
        { ...attempt, outcome: 'acknowledged' },
        this.deps.settings.attemptsKept,
      );
      return;
    }
    const lastError = {
      at,
      detail: outcome.detail,
      ...(outcome.status !== undefined ? { status: outcome.status } : {}),
    };
    const failingSince = subscription.failingSince ?? at;
    const windowOver = now.getTime() - Date.parse(failingSince) >= subscription.maxRetryHours * HOUR_MS;
    let recorded: string;
    if (outcome.kind === 'gone') {
      recorded = 'paused';
      await this.save(subscription, (s) => {
        s.state = 'paused';
        s.stateReason = outcome.detail;
        s.lastError = lastError;
        delete s.nextAttemptAt;
      });
    } else if (outcome.kind === 'reject' || windowOver) {
      recorded = outcome.kind === 'reject' ? 'rejected' : 'dead-lettered';
      const reason =
        outcome.kind === 'reject'
          ? outcome.detail
          : `${outcome.detail}; retried for ${subscription.maxRetryHours} h`;
      for (const event of events) {
        await this.deps.subscriptions.addDeadLetter({
          subscriptionId: this.subscriptionId,
          seq: event.seq,
          at,
          reason,
        });
      }
      this.deps.metrics.deadLettered(method, events.length);
      await this.save(subscription, (s) => {
        s.position = lastSeq;
        s.attempts = 0;
        s.deadLettered += events.length;
        s.lastError = lastError;
        delete s.failingSince;
        delete s.nextAttemptAt;
      });
    } else {
      recorded = 'retry';
      const attempts = subscription.attempts + 1;
      const delay = retryDelay(attempts, this.deps.settings.retry, outcome.retryAfterMs);
      await this.save(subscription, (s) => {
        s.attempts = attempts;
        s.failingSince = failingSince;
        s.nextAttemptAt = new Date(now.getTime() + delay).toISOString();
        s.lastError = lastError;
      });
    }
    // One structured line per failed attempt: ids, seqs, status, detail; never a secret or a signature.
    this.deps.logger.warn({
      msg: 'Delivery attempt failed',
      subscriptionId: this.subscriptionId,
      tenantId: this.tenantId,
      method,
      fromSeq: attempt.fromSeq,
      toSeq: attempt.toSeq,
      status: outcome.status,
      outcome: recorded,
      detail: outcome.detail,
    });
    await this.deps.subscriptions.recordAttempt(
      { ...attempt, outcome: recorded, error: outcome.detail },
      this.deps.settings.attemptsKept,
    );
  }

  private async idle(subscription: SubscriptionRecord): Promise<Step> {
    const head = await this.deps.journal.lastSeq(this.tenantId);
    this.knownHead = head;
    // Nothing left to read, yet the head is further: retention removed everything the subscription missed.
    if (head > subscription.position) {
      return this.expire(
        subscription,
        `events ${subscription.position + 1}..${head} were removed by JOURNAL_RETENTION_DAYS before delivery`,
      );
    }
    this.deps.metrics.lag(this.subscriptionId, 0);
    return 'idle';
  }

  private async expire(subscription: SubscriptionRecord, reason: string): Promise<Step> {
    await this.save(subscription, (s) => {
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
   * Applies a delivery change by compare-and-swap. When an admin changed the record meanwhile, the change is
   * applied onto the fresh record, unless its position moved (a replay): then the delivery result is dropped
   * and the loop goes on from the new position (at least once: a resend, never a loss).
   */
  private async save(
    subscription: SubscriptionRecord,
    change: (s: SubscriptionRecord) => void,
  ): Promise<void> {
    let current: SubscriptionRecord | null = subscription;
    for (let attempt = 0; attempt < 5 && current; attempt++) {
      if (current.position !== subscription.position) return;
      const next = structuredClone(current);
      change(next);
      next.rev = current.rev + 1;
      if (await this.deps.subscriptions.update(next)) return;
      current = await this.deps.subscriptions.find(this.tenantId, this.subscriptionId);
    }
  }

  private async holdLease(ttlMs: number, force = false): Promise<boolean> {
    if (!force && Date.now() - this.leaseRenewedAt < this.deps.settings.leaseTtlMs / 3) return true;
    const held = await this.deps.subscriptions.acquireLease(this.subscriptionId, this.deps.replicaId, ttlMs);
    if (held) this.leaseRenewedAt = Date.now();
    return held;
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
