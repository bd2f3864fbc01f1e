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
}
