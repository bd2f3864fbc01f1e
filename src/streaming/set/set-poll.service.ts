import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ScimError } from '../../scim/errors';
import { JournalEntry, JournalRepository } from '../../store/ports';
import { SubscriptionRepository } from '../../store/subscription.port';
import { JournalNotifier } from '../journal-notifier';
import { assertActive, authorizeConsumer } from '../sse/sse-consumer-auth';
import type { SubscriptionRecord } from '../subscription';
import { MAX_POLL_EVENTS, PollRequest } from './poll-request';
import { advance, pendingChanges } from './poll-window';
import { StreamMetrics } from '../stream.metrics';
import { SetMinter } from './set-minter';

/** Journal entries looked at per poll: the window in which acknowledgements are matched to changes. */
export const POLL_WINDOW = 2000;
/** Other replicas' commits are not signalled here: a long poll re-reads the journal this often. */
const RECHECK_MS = 1000;
const ATTEMPTS_KEPT = 100;

/** RFC 8936 §2.2 response. */
export interface PollResponse {
  sets: Record<string, string>;
  moreAvailable?: boolean;
}

/**
 * RFC 8936 poll delivery (issue "Standard streams"): the receiver POSTs acknowledgements (`ack`), errors
 * (`setErrs`) and how many SETs it wants; the answer holds the oldest unacknowledged SETs, signed. Nothing but
 * the subscription record and the journal holds state, so any replica answers any poll and a restart loses
 * nothing: the position moves over a change only once all its SETs were acknowledged (or reported); SETs
 * acknowledged out of order are remembered in the record (`acknowledged`) until the position reaches them.
 * A setErr dead-letters its change (listed under deliveries, replayable) and counts as done, so one bad SET
 * never blocks the stream.
 */
@Injectable()
export class SetPollService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Streaming');
  private readonly waiting = new Set<() => void>();
  private closing = false;

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly journal: JournalRepository,
    private readonly notifier: JournalNotifier,
    private readonly minter: SetMinter,
    private readonly config: AppConfig,
    private readonly metrics: StreamMetrics,
  ) {}

  /** 401 without the consumer token, 404 unknown, 409 not a poll subscription or not active (like SSE). */
  authorize(subscriptionId: string, authorization: string | undefined): Promise<SubscriptionRecord> {
    return authorizeConsumer(this.subscriptions, subscriptionId, authorization, 'poll', 'scim-stream-sets');
  }

  async poll(authorized: SubscriptionRecord, request: PollRequest): Promise<PollResponse> {
    const response = await this.answer(authorized, request);
    this.metrics.polled(
      request.ack.length,
      Object.values(request.setErrs).map((e) => e.err),
      Object.keys(response.sets).length,
    );
    return response;
  }

  private async answer(authorized: SubscriptionRecord, request: PollRequest): Promise<PollResponse> {
    let subscription = await this.settle(authorized, request);
    const max = request.maxEvents ?? MAX_POLL_EVENTS;
    if (max === 0) return { sets: {} };
    const waitMs = request.returnImmediately ? 0 : this.config.setPollMaxWaitSeconds * 1000;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const offered = await this.offer(subscription, max);
      if (offered) return offered;
      const left = deadline - Date.now();
      if (left <= 0 || this.closing) return { sets: {} };
      await this.waitForCommit(subscription.tenantId, Math.min(left, RECHECK_MS));
      const fresh = await this.subscriptions.find(subscription.tenantId, subscription.id);
      if (!fresh) return { sets: {} };
      assertActive(fresh);
      subscription = fresh;
    }
  }

  /**
   * SSF §8.1.4: records the time of a verification request (min_verification_interval) and, for a poll stream,
   * queues the verification SET for the next poll (offered until acknowledged).
   */
  async requestVerification(
    subscription: SubscriptionRecord,
    jti: string,
    state: string | undefined,
  ): Promise<void> {
    let current: SubscriptionRecord | null = subscription;
    for (let attempt = 0; attempt < 10 && current; attempt++) {
      const next = structuredClone(current);
      const now = new Date().toISOString();
      next.lastVerificationAt = now;
      if (next.delivery.method === 'poll') {
        next.verification = { jti, requestedAt: now, ...(state !== undefined ? { state } : {}) };
      }
      next.rev = current.rev + 1;
      if (await this.subscriptions.update(next)) {
        // Wakes this replica's long polls of the tenant (no entry was written: count 0).
        this.notifier.committed(subscription.tenantId, 0, 0);
        return;
      }
      current = await this.subscriptions.find(subscription.tenantId, subscription.id);
    }
    throw ScimError.conflict('The subscription is changing too often right now: try again');
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    for (const wake of [...this.waiting]) wake();
  }

  /** The oldest unacknowledged SETs, signed; undefined when there is none (the caller may wait). */
  private async offer(subscription: SubscriptionRecord, max: number): Promise<PollResponse | undefined> {
    const entries = await this.readWindow(subscription);
    const acknowledged = new Set(subscription.acknowledged ?? []);
    const pending = pendingChanges(subscription, entries);
    if (pending.length === 0 && entries.length > 0) await this.moveOverUnwanted(subscription, entries);
    const chosen: JournalEntry[] = [];
    const sets: Record<string, string> = {};
    const verification = subscription.verification;
    // An SSF verification SET goes first, until it is acknowledged.
    if (verification && !acknowledged.has(verification.jti)) {
      sets[verification.jti] = await this.minter.mintVerification(
        subscription,
        verification.jti,
        verification.state,
      );
    }
    // Then the stream-updated SET of the latest status change (SSF §8.1.5), until it is acknowledged.
    const updated = subscription.streamUpdated;
    if (updated && !acknowledged.has(updated.jti)) {
      sets[updated.jti] = await this.minter.mintStreamUpdated(subscription, updated);
    }
    let count = Object.keys(sets).length;
    let more = false;
    for (const change of pending) {
      const open = change.jtis.filter((jti) => !acknowledged.has(jti)).length;
      if (open === 0) continue;
      // The SETs of one change may be split over two answers: acknowledgements are per jti.
      if (count >= max) {
        more = true;
        break;
      }
      chosen.push(change.entry);
      count += open;
    }
    if (chosen.length === 0 && count === 0) return undefined;
    for (const set of await this.minter.mint(subscription, chosen)) {
      if (!acknowledged.has(set.jti) && Object.keys(sets).length < max) sets[set.jti] = set.jws;
      else if (!acknowledged.has(set.jti)) more = true;
    }
    if (!more && entries.length === POLL_WINDOW) more = true;
    return more ? { sets, moreAvailable: true } : { sets };
  }

  /**
   * Nothing to offer, yet entries after the position (admin actions, filtered types): the position moves over
   * them, so that the status shows no lag. Best effort: a concurrent change wins and the next poll tries again.
   */
  private async moveOverUnwanted(subscription: SubscriptionRecord, entries: JournalEntry[]): Promise<void> {
    const moved = advance(subscription.position, entries, [], new Set());
    if (moved.position === subscription.position) return;
    const next = structuredClone(subscription);
    next.position = moved.position;
    next.rev = subscription.rev + 1;
    if (await this.subscriptions.update(next)) Object.assign(subscription, next);
  }

  /**
   * Applies `ack` and `setErrs`: records them, moves the position over what is done, dead-letters the changes
   * reported in setErrs. Compare-and-swap on the record, retried on a concurrent change.
   */
  private async settle(subscription: SubscriptionRecord, request: PollRequest): Promise<SubscriptionRecord> {
    const errored = Object.keys(request.setErrs);
    if (request.ack.length === 0 && errored.length === 0) return subscription;
    let current: SubscriptionRecord | null = subscription;
    for (let attempt = 0; attempt < 10 && current; attempt++) {
      const entries = await this.readWindow(current);
      const pending = pendingChanges(current, entries);
      const done = new Set([...(current.acknowledged ?? []), ...request.ack, ...errored]);
      const moved = advance(current.position, entries, pending, done);
      const errorsBySeq = new Map<number, string>();
      for (const change of pending) {
        for (const jti of change.jtis) {
          const error = request.setErrs[jti];
          if (error && !errorsBySeq.has(change.entry.seq)) {
            errorsBySeq.set(
              change.entry.seq,
              `setErr ${error.err}${error.description ? `: ${error.description}` : ''} [jti ${jti}]`,
            );
          }
        }
      }
      const now = new Date().toISOString();
      const next = structuredClone(current);
      next.position = moved.position;
      if (moved.acknowledged.length > 0) next.acknowledged = moved.acknowledged;
      else delete next.acknowledged;
      next.deadLettered += errorsBySeq.size;
      if (next.verification && done.has(next.verification.jti)) delete next.verification;
      if (next.streamUpdated && done.has(next.streamUpdated.jti)) delete next.streamUpdated;
      if (moved.acknowledgedSeqs.length > 0) next.lastDeliveredAt = now;
      const lastError = [...errorsBySeq.values()].pop();
      if (lastError) next.lastError = { at: now, detail: lastError };
      next.rev = current.rev + 1;
      if (!(await this.subscriptions.update(next))) {
        current = await this.subscriptions.find(subscription.tenantId, subscription.id);
        continue;
      }
      await this.record(next, moved.acknowledgedSeqs, errorsBySeq, now);
      // The stream's delivery metrics, as for push transports (docs/metrics.md).
      const delivered = new Set(moved.acknowledgedSeqs.filter((seq) => !errorsBySeq.has(seq)));
      this.metrics.acknowledged(
        'poll',
        entries.filter((e) => delivered.has(e.seq)).map((e) => e.time),
      );
      if (errorsBySeq.size > 0) this.metrics.deadLettered('poll', errorsBySeq.size);
      return next;
    }
    if (!current) throw ScimError.notFound(`Subscription ${JSON.stringify(subscription.id)} not found`);
    throw ScimError.conflict('The subscription is changing too often right now: try again');
  }

  /** Acknowledged ranges and setErrs as delivery attempts; setErrs also as dead letters (replayable). */
  private async record(
    subscription: SubscriptionRecord,
    acknowledgedSeqs: number[],
    errors: Map<number, string>,
    at: string,
  ): Promise<void> {
    const acked = acknowledgedSeqs.filter((seq) => !errors.has(seq));
    if (acked.length > 0) {
      await this.subscriptions.recordAttempt(
        {
          subscriptionId: subscription.id,
          fromSeq: acked[0],
          toSeq: acked[acked.length - 1],
          at,
          outcome: 'acknowledged',
          durationMs: 0,
        },
        ATTEMPTS_KEPT,
      );
    }
    for (const [seq, reason] of errors) {
      await this.subscriptions.addDeadLetter({ subscriptionId: subscription.id, seq, at, reason });
      await this.subscriptions.recordAttempt(
        {
          subscriptionId: subscription.id,
          fromSeq: seq,
          toSeq: seq,
          at,
          outcome: 'rejected',
          durationMs: 0,
          error: reason,
        },
        ATTEMPTS_KEPT,
      );
      this.logger.warn({
        msg: 'SET reported by the receiver',
        subscriptionId: subscription.id,
        tenantId: subscription.tenantId,
        method: 'poll',
        seq,
        detail: reason,
      });
    }
  }

  /** The journal after the position; expires the subscription when retention removed what it had not got. */
  private async readWindow(subscription: SubscriptionRecord): Promise<JournalEntry[]> {
    const entries = await this.journal.read(subscription.tenantId, subscription.position, POLL_WINDOW);
    const first = entries[0]?.seq;
    const head = first === undefined ? await this.journal.lastSeq(subscription.tenantId) : undefined;
    const missingTo = first !== undefined && first > subscription.position + 1 ? first - 1 : head;
    if (missingTo !== undefined && missingTo > subscription.position) {
      const reason = `events ${subscription.position + 1}..${missingTo} were removed by JOURNAL_RETENTION_DAYS before delivery`;
      const next = structuredClone(subscription);
      next.state = 'expired';
      next.stateReason = `${reason}; replay from the oldest event kept to resume`;
      next.rev = subscription.rev + 1;
      await this.subscriptions.update(next);
      throw ScimError.conflict(
        `Subscription ${JSON.stringify(subscription.id)} is expired (${next.stateReason})`,
      );
    }
    return entries;
  }

  private waitForCommit(tenantId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const unsubscribe = this.notifier.onCommit(tenantId, done);
      this.waiting.add(done);
    });
  }
}
