import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { JournalRepository } from '../../store/ports';
import { SubscriptionRepository } from '../../store/subscription.port';
import { JournalNotifier } from '../journal-notifier';
import { StreamMetrics } from '../stream.metrics';
import { DEFAULT_DELIVERY_SETTINGS, DELIVERY_SETTINGS, DeliverySettings } from './delivery-settings';
import { PushTransportRegistry } from './push-transport.registry';
import { SubscriptionWorker } from './subscription-worker';

/**
 * Runs the push deliveries of this replica (issue "Streaming"; docs/streaming.md): every scanIntervalMs it
 * lists the subscriptions and starts a SubscriptionWorker for each active webhook/NATS subscription that has
 * none here; the worker then runs only while it holds the subscription's lease in the store, so across
 * replicas exactly one delivers a subscription at a time, and a replica that dies loses its leases after
 * leaseTtlMs. SSE subscriptions are pulled by their readers and have no worker. Shutdown aborts the attempts
 * in flight and releases the leases (before the store closes: beforeApplicationShutdown).
 */
@Injectable()
export class DeliveryScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** Identifies this process as a lease owner. */
  readonly replicaId = randomUUID();
  private readonly logger = new Logger('Streaming');
  private readonly settings: DeliverySettings;
  private readonly workers = new Map<string, { worker: SubscriptionWorker; done: Promise<void> }>();
  private readonly abort = new AbortController();
  private timer?: NodeJS.Timeout;
  private scanning?: Promise<void>;
  /** A scan asked for by a subscription change, besides the periodic one (at most one waiting at a time). */
  private extraScan?: Promise<void>;
  private extraScanQueued = false;
  private unsubscribe?: () => void;

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly journal: JournalRepository,
    private readonly transports: PushTransportRegistry,
    private readonly notifier: JournalNotifier,
    private readonly metrics: StreamMetrics,
    config: AppConfig,
    @Optional() @Inject(DELIVERY_SETTINGS) overrides?: Partial<DeliverySettings>,
  ) {
    this.settings = {
      ...DEFAULT_DELIVERY_SETTINGS,
      retry: { baseMs: config.streamRetryBaseMs, maxMs: config.streamRetryMaxMs },
      ...overrides,
    };
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.abort.signal.aborted || this.timer) return;
    // A new or resumed subscription starts delivering now, not at the next scan (a second away): its first
    // events would otherwise wait for it.
    this.unsubscribe = this.notifier.onSubscriptionsChanged(() => this.scanSoon());
    const tick = () => {
      this.scanning = this.scan().finally(() => {
        if (!this.abort.signal.aborted) this.timer = setTimeout(tick, this.settings.scanIntervalMs);
      });
    };
    tick();
  }

  /** Subscriptions this replica delivers right now (tests, status). */
  running(): string[] {
    return [...this.workers.keys()];
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([this.scanning, this.extraScan]);
    await Promise.all([...this.workers.values()].map((w) => w.done));
  }

  /**
   * One scan after the running one, however many changes ask for it meanwhile. Safe beside the periodic scan:
   * a scan decides and starts its workers without awaiting in between, so two scans never start one twice.
   */
  private scanSoon(): void {
    if (this.extraScanQueued || this.abort.signal.aborted) return;
    this.extraScanQueued = true;
    const run = () => {
      this.extraScanQueued = false;
      return this.scan();
    };
    this.extraScan = (this.extraScan ?? Promise.resolve()).then(run, run);
  }

  /** Starts a worker for every active push subscription without one (public for tests). */
  async scan(): Promise<void> {
    let all;
    try {
      all = await this.subscriptions.listAll();
    } catch (error) {
      this.logger.warn({ msg: 'Listing subscriptions failed; retrying at the next scan', err: error });
      return;
    }
    for (const subscription of all) {
      if (this.abort.signal.aborted) return;
      if (subscription.state !== 'active' || this.workers.has(subscription.id)) continue;
      if (!this.transports.get(subscription.delivery.method)) continue;
      const worker = new SubscriptionWorker(
        subscription.id,
        subscription.tenantId,
        {
          subscriptions: this.subscriptions,
          journal: this.journal,
          transports: this.transports,
          notifier: this.notifier,
          metrics: this.metrics,
          settings: this.settings,
          replicaId: this.replicaId,
          logger: this.logger,
        },
        this.abort.signal,
      );
      const done = worker.run().finally(() => this.workers.delete(subscription.id));
      this.workers.set(subscription.id, { worker, done });
    }
  }
}
