import type { BackoffSettings } from './backoff';

/** Timings of the deliverer (docs/streaming.md); tests shorten them, production uses DEFAULT_DELIVERY_SETTINGS. */
export interface DeliverySettings {
  /** How often each replica lists the subscriptions to start loops for new ones or free leases (1 s). */
  scanIntervalMs: number;
  /** How often an idle loop reads the journal without a wake-up: events written by other replicas (1 s). */
  pollIntervalMs: number;
  /** Lease lifetime: a replica that dies loses its subscriptions after this (15 s); renewed at a third. */
  leaseTtlMs: number;
  retry: BackoffSettings;
  /** Delivery attempts kept per subscription for GET …/deliveries. */
  attemptsKept: number;
  /** Journal entries read at once. */
  readLimit: number;
  /**
   * Events one NATS delivery publishes (pipelined, NATS_PUBLISH_WINDOW at a time, in order on one connection)
   * before the position moves once: a step per event would cap the drain. A failure mid-way retries the whole
   * batch; JetStream drops the repeats by Nats-Msg-Id.
   */
  natsEventsPerDelivery: number;
  /**
   * How often a loop saves its position at most (100 ms): a save is a compare-and-swap of the whole record
   * and a durable write on the event loop that serves SCIM. An idle loop saves once this has passed since its
   * last save; a stopping loop at once, and before a failure or state change. After a crash, up to this much
   * of acknowledged events is delivered again (same ids).
   */
  positionSaveIntervalMs: number;
  /**
   * Coalescing under load (DeliveryCoalescing): a delivery of a batching transport (NATS, webhook with
   * maxBatchSize > 1) that would start less than this after the previous one ended waits until it has passed,
   * so the commits meanwhile leave together (2 ms). The most it adds to an event's latency; 0 turns it off.
   * Small beside the latency goal (p50 ≤ 5 ms, 2–3 ms without it), and at 200 writes/s, commits 5 ms apart,
   * most deliveries do not wait at all.
   */
  coalesceWindowMs: number;
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  scanIntervalMs: 1000,
  pollIntervalMs: 1000,
  leaseTtlMs: 15_000,
  retry: { baseMs: 1000, maxMs: 600_000 },
  attemptsKept: 100,
  readLimit: 500,
  natsEventsPerDelivery: 250,
  positionSaveIntervalMs: 100,
  coalesceWindowMs: 2,
};

/** DI token of a Partial<DeliverySettings> overriding the defaults (tests). */
export const DELIVERY_SETTINGS = Symbol('DELIVERY_SETTINGS');
