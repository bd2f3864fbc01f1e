import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import {
  InjectMetric,
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { JournalNotifier } from './journal-notifier';

/** Journal entries committed (the events of the stream), by tenant (tenant ids are admin-made: bounded). */
export const STREAM_EVENTS_APPENDED = 'scim_stream_events_appended_total';
/** Delivery attempts by transport and outcome (acknowledged, retry, reject, gone). */
export const STREAM_DELIVERY_ATTEMPTS = 'scim_stream_delivery_attempts_total';
/** Commit (journal entry time) to acknowledgement by the consumer, per event, by transport. */
export const STREAM_DELIVERY_LATENCY = 'scim_stream_delivery_latency_seconds';
/** Events after a subscription's position up to the journal head (a count of seqs), by subscription id. */
export const STREAM_SUBSCRIPTION_LAG = 'scim_stream_subscription_lag';
/** Events dead-lettered (retry window exhausted or refused for good), by transport. */
export const STREAM_DEAD_LETTERS = 'scim_stream_dead_letters_total';
/** RFC 8936 poll requests answered, by outcome: `sets` (some offered) or `empty` (none, after any wait). */
export const STREAM_POLL_REQUESTS = 'scim_stream_poll_requests_total';
/** SETs offered in RFC 8936 poll answers (offered again until acknowledged: counted each time). */
export const STREAM_POLL_SETS_OFFERED = 'scim_stream_poll_sets_offered_total';
/** jtis a poller acknowledged (`ack`). */
export const STREAM_POLL_SETS_ACKNOWLEDGED = 'scim_stream_poll_sets_acknowledged_total';
/** SETs a poller reported in `setErrs`, by RFC 8935 §2.4 error code (`other` for codes not registered). */
export const STREAM_POLL_SET_ERRORS = 'scim_stream_poll_set_errors_total';

/** The registered SET error codes (RFC 8935 §2.4): receiver-chosen strings must not become label values. */
const SET_ERROR_CODES = new Set([
  'invalid_request',
  'invalid_key',
  'invalid_issuer',
  'invalid_audience',
  'authentication_failed',
  'access_denied',
]);

export const STREAM_METRIC_PROVIDERS = [
  makeCounterProvider({
    name: STREAM_EVENTS_APPENDED,
    help: 'Change-stream events (journal entries) committed, by tenant',
    labelNames: ['tenant'],
  }),
  makeCounterProvider({
    name: STREAM_DELIVERY_ATTEMPTS,
    help: 'Change-stream delivery attempts, by method and outcome (acknowledged, retry, reject, gone)',
    labelNames: ['method', 'outcome'],
  }),
  makeHistogramProvider({
    name: STREAM_DELIVERY_LATENCY,
    help: 'Seconds from the commit of a change to its acknowledgement by the consumer, by method',
    labelNames: ['method'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  }),
  makeGaugeProvider({
    name: STREAM_SUBSCRIPTION_LAG,
    help: 'Events after the position of a subscription, up to the journal head (count of seqs)',
    labelNames: ['subscription'],
  }),
  makeCounterProvider({
    name: STREAM_DEAD_LETTERS,
    help: 'Change-stream events dead-lettered, by method',
    labelNames: ['method'],
  }),
  makeCounterProvider({
    name: STREAM_POLL_REQUESTS,
    help: 'RFC 8936 poll requests answered, by outcome (sets, empty)',
    labelNames: ['outcome'],
  }),
  makeCounterProvider({
    name: STREAM_POLL_SETS_OFFERED,
    help: 'SETs offered in RFC 8936 poll answers (each offer counted)',
  }),
  makeCounterProvider({
    name: STREAM_POLL_SETS_ACKNOWLEDGED,
    help: 'SETs acknowledged by RFC 8936 pollers (ack)',
  }),
  makeCounterProvider({
    name: STREAM_POLL_SET_ERRORS,
    help: 'SETs reported in setErrs by RFC 8936 pollers, by error code (RFC 8935 §2.4, other)',
    labelNames: ['err'],
  }),
];

/** The change stream's Prometheus metrics (issue "Streaming", Observability). */
@Injectable()
export class StreamMetrics implements OnModuleInit, OnModuleDestroy {
  private unsubscribe?: () => void;

  constructor(
    private readonly notifier: JournalNotifier,
    @InjectMetric(STREAM_EVENTS_APPENDED) private readonly appended: Counter<'tenant'>,
    @InjectMetric(STREAM_DELIVERY_ATTEMPTS) private readonly attempts: Counter<'method' | 'outcome'>,
    @InjectMetric(STREAM_DELIVERY_LATENCY) private readonly latency: Histogram<'method'>,
    @InjectMetric(STREAM_SUBSCRIPTION_LAG) private readonly lagGauge: Gauge<'subscription'>,
    @InjectMetric(STREAM_DEAD_LETTERS) private readonly deadLetters: Counter<'method'>,
    @InjectMetric(STREAM_POLL_REQUESTS) private readonly pollRequests: Counter<'outcome'>,
    @InjectMetric(STREAM_POLL_SETS_OFFERED) private readonly pollOffered: Counter,
    @InjectMetric(STREAM_POLL_SETS_ACKNOWLEDGED) private readonly pollAcknowledged: Counter,
    @InjectMetric(STREAM_POLL_SET_ERRORS) private readonly pollSetErrors: Counter<'err'>,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.notifier.onAnyCommit((tenant, _lastSeq, count) =>
      this.appended.inc({ tenant }, count),
    );
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  attempt(method: string, outcome: string): void {
    this.attempts.inc({ method, outcome });
  }

  acknowledged(method: string, eventTimes: readonly string[], now: number = Date.now()): void {
    for (const time of eventTimes)
      this.latency.observe({ method }, Math.max(0, now - Date.parse(time)) / 1000);
  }

  lag(subscriptionId: string, events: number): void {
    this.lagGauge.set({ subscription: subscriptionId }, Math.max(0, events));
  }

  /** A deleted subscription leaves the gauge (its label would otherwise stay forever). */
  forget(subscriptionId: string): void {
    this.lagGauge.remove({ subscription: subscriptionId });
  }

  deadLettered(method: string, count: number): void {
    this.deadLetters.inc({ method }, count);
  }

  /** One answered RFC 8936 poll: what the poller acknowledged and reported, and how many SETs it got. */
  polled(acknowledged: number, setErrs: readonly string[], offered: number): void {
    if (acknowledged > 0) this.pollAcknowledged.inc(acknowledged);
    for (const err of setErrs) this.pollSetErrors.inc({ err: SET_ERROR_CODES.has(err) ? err : 'other' });
    this.pollRequests.inc({ outcome: offered > 0 ? 'sets' : 'empty' });
    if (offered > 0) this.pollOffered.inc(offered);
  }
}
