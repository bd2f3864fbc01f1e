import type { EventEmitter } from 'node:events';
import { MongoServerSelectionError } from 'mongodb';
import { Counter, Gauge, Histogram, register, Registry } from 'prom-client';

/**
 * The MongoDB driver's connection pool (CMAP events of the MongoClient under mongoose) and server selection, as
 * Prometheus metrics. Registered here because only src/store/mongo knows the driver; no label carries a host,
 * a database or a query: the pool is one per process, the failure reasons are the driver's closed set.
 */
export const MONGO_POOL_CHECKOUTS = 'scim_mongodb_pool_checkouts_total';
export const MONGO_POOL_CHECKOUT_FAILURES = 'scim_mongodb_pool_checkout_failures_total';
export const MONGO_POOL_CHECKOUT_WAIT = 'scim_mongodb_pool_checkout_wait_seconds';
export const MONGO_POOL_IN_USE = 'scim_mongodb_pool_connections_in_use';
export const MONGO_POOL_WAITING = 'scim_mongodb_pool_checkouts_waiting';
export const MONGO_POOL_MAX_SIZE = 'scim_mongodb_pool_max_size';
export const MONGO_POOL_CLEARED = 'scim_mongodb_pool_cleared_total';
export const MONGO_SERVER_SELECTION_FAILURES = 'scim_mongodb_server_selection_failures_total';
export const MONGO_HEARTBEAT_FAILURES = 'scim_mongodb_heartbeat_failures_total';

/** ConnectionCheckOutFailedEvent.reason values of the driver; anything else is counted as `other`. */
export const CHECKOUT_FAILURE_REASONS = ['poolClosed', 'timeout', 'connectionError'] as const;

export interface MongoMetrics {
  checkouts: Counter;
  checkoutFailures: Counter<'reason'>;
  checkoutWait: Histogram;
  inUse: Gauge;
  waiting: Gauge;
  maxSize: Gauge;
  cleared: Counter;
  serverSelectionFailures: Counter;
  heartbeatFailures: Counter;
}

/** The metrics in `registry` (the global one by default), created once: several apps in one process share them. */
export function mongoMetrics(registry: Registry = register): MongoMetrics {
  function once<T>(name: string, create: () => T): T {
    return (registry.getSingleMetric(name) as T | undefined) ?? create();
  }
  const registers = [registry];
  const metrics: MongoMetrics = {
    checkouts: once(
      MONGO_POOL_CHECKOUTS,
      () =>
        new Counter({
          name: MONGO_POOL_CHECKOUTS,
          help: 'Connections checked out of the MongoDB pool',
          registers,
        }),
    ),
    checkoutFailures: once(
      MONGO_POOL_CHECKOUT_FAILURES,
      () =>
        new Counter({
          name: MONGO_POOL_CHECKOUT_FAILURES,
          help: 'Failed check-outs of the MongoDB pool, by reason (timeout, connectionError, poolClosed, other)',
          labelNames: ['reason'],
          registers,
        }),
    ),
    checkoutWait: once(
      MONGO_POOL_CHECKOUT_WAIT,
      () =>
        new Histogram({
          name: MONGO_POOL_CHECKOUT_WAIT,
          help: 'Seconds an operation waited for a connection of the MongoDB pool (check-out started to done)',
          buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
          registers,
        }),
    ),
    inUse: once(
      MONGO_POOL_IN_USE,
      () =>
        new Gauge({ name: MONGO_POOL_IN_USE, help: 'MongoDB pool connections checked out now', registers }),
    ),
    waiting: once(
      MONGO_POOL_WAITING,
      () =>
        new Gauge({
          name: MONGO_POOL_WAITING,
          help: 'Operations waiting for a MongoDB pool connection now',
          registers,
        }),
    ),
    maxSize: once(
      MONGO_POOL_MAX_SIZE,
      () =>
        new Gauge({
          name: MONGO_POOL_MAX_SIZE,
          help: 'maxPoolSize of the MongoDB client (per server)',
          registers,
        }),
    ),
    cleared: once(
      MONGO_POOL_CLEARED,
      () =>
        new Counter({
          name: MONGO_POOL_CLEARED,
          help: 'Times the driver cleared a MongoDB pool (server marked unknown: network error, failover)',
          registers,
        }),
    ),
    serverSelectionFailures: once(
      MONGO_SERVER_SELECTION_FAILURES,
      () =>
        new Counter({
          name: MONGO_SERVER_SELECTION_FAILURES,
          help: 'Store operations that failed because no suitable MongoDB server could be selected in time',
          registers,
        }),
    ),
    heartbeatFailures: once(
      MONGO_HEARTBEAT_FAILURES,
      () =>
        new Counter({ name: MONGO_HEARTBEAT_FAILURES, help: 'Failed MongoDB server heartbeats', registers }),
    ),
  };
  for (const reason of [...CHECKOUT_FAILURE_REASONS, 'other']) metrics.checkoutFailures.inc({ reason }, 0);
  return metrics;
}

interface CheckOutEvent {
  reason?: unknown;
  /** Driver ≥ 6.9: milliseconds from check-out started to this event. */
  durationMS?: unknown;
}

/**
 * Listens to the pool events of a MongoClient (any EventEmitter emitting them: the unit spec uses a plain one).
 * Returns the function that stops listening.
 */
export function instrumentMongoClient(
  client: EventEmitter,
  metrics: MongoMetrics,
  maxPoolSize?: number,
): () => void {
  if (maxPoolSize !== undefined) metrics.maxSize.set(maxPoolSize);
  const waited = (event: CheckOutEvent | undefined) => {
    if (typeof event?.durationMS === 'number') metrics.checkoutWait.observe(event.durationMS / 1000);
  };
  const listeners: Record<string, (event?: CheckOutEvent) => void> = {
    connectionCheckOutStarted: () => metrics.waiting.inc(),
    connectionCheckedOut: (event) => {
      metrics.waiting.dec();
      metrics.inUse.inc();
      metrics.checkouts.inc();
      waited(event);
    },
    connectionCheckOutFailed: (event) => {
      metrics.waiting.dec();
      const reason = String(event?.reason);
      metrics.checkoutFailures.inc({
        reason: (CHECKOUT_FAILURE_REASONS as readonly string[]).includes(reason) ? reason : 'other',
      });
      waited(event);
    },
    connectionCheckedIn: () => metrics.inUse.dec(),
    connectionPoolCleared: () => metrics.cleared.inc(),
    serverHeartbeatFailed: () => metrics.heartbeatFailures.inc(),
  };
  for (const [event, listener] of Object.entries(listeners)) client.on(event, listener);
  return () => {
    for (const [event, listener] of Object.entries(listeners)) client.off(event, listener);
  };
}

export function isServerSelectionError(error: unknown): boolean {
  if (error instanceof MongoServerSelectionError) return true;
  // mongoose wraps a failed initial selection in its own MongooseServerSelectionError.
  return error instanceof Error && /^Mongo(ose)?ServerSelectionError$/.test(error.name);
}

/**
 * The adapter with every method's rejection inspected: a server selection failure is counted, then passed on
 * unchanged. Methods run on the adapter itself (not the proxy), so a method calling another counts once.
 */
export function countServerSelectionFailures<T extends object>(adapter: T, counter: Counter): T {
  return new Proxy(adapter, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'constructor') return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.catch((error: unknown) => {
          if (isServerSelectionError(error)) counter.inc();
          throw error;
        });
      };
    },
  });
}

/** A MongoClient as far as the metrics need it (mongoose's Connection.getClient()). */
export interface InstrumentableClient extends EventEmitter {
  options?: { maxPoolSize?: number };
}

/**
 * Wires the pool metrics to the connection's MongoClient and counts server selection failures of every adapter.
 * Returns the adapters to bind (each wrapped; same prototype, same behaviour).
 */
export function instrumentMongoStore<A extends object>(
  client: InstrumentableClient,
  adapters: A,
  metrics: MongoMetrics = mongoMetrics(),
): A {
  instrumentMongoClient(client, metrics, client.options?.maxPoolSize);
  const wrapped = {} as Record<string, unknown>;
  for (const [name, adapter] of Object.entries(adapters)) {
    wrapped[name] = countServerSelectionFailures(adapter as object, metrics.serverSelectionFailures);
  }
  return wrapped as A;
}
