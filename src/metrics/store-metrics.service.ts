import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import {
  InjectMetric,
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { ScimError } from '../scim/errors';
import { CommitEvents, CommitObservation } from '../store/commit-observer';
import { JournalRepository, ResourceRepository, TenantRepository } from '../store/ports';

/** Duration of ResourceRepository.commit, by outcome (applied, not_applied, failed). */
export const STORE_COMMIT_DURATION = 'scim_store_commit_duration_seconds';
/** Commits that did not apply, by reason (revision_conflict, uniqueness, invalid_member, error). */
export const STORE_COMMIT_FAILURES = 'scim_store_commit_failures_total';
/** Users and groups stored, by tenant and resource_type (maintained on commit, re-counted now and then). */
export const STORED_RESOURCES = 'scim_resources';
/** The last journal seq committed, by tenant. */
export const JOURNAL_HEAD_SEQ = 'scim_journal_head_seq';

export type CommitOutcome = 'applied' | 'not_applied' | 'failed';
export const COMMIT_FAILURE_REASONS = ['revision_conflict', 'uniqueness', 'invalid_member', 'error'] as const;
export type CommitFailureReason = (typeof COMMIT_FAILURE_REASONS)[number];

/** The resource types counted per tenant. */
export const COUNTED_RESOURCE_TYPES = ['User', 'Group'] as const;

/**
 * How often the per-tenant counts are taken again from the store. Between two counts the gauges follow this
 * replica's commits; the count corrects what other replicas (sharing MongoDB) changed. Never per scrape.
 */
export const RECOUNT_INTERVAL_MS = 5 * 60_000;

export const STORE_METRIC_PROVIDERS = [
  makeHistogramProvider({
    name: STORE_COMMIT_DURATION,
    help: 'Duration of store commits (document, memberships and journal in one transaction), by outcome',
    labelNames: ['outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
  makeCounterProvider({
    name: STORE_COMMIT_FAILURES,
    help: 'Store commits that wrote nothing, by reason (revision_conflict, uniqueness, invalid_member, error)',
    labelNames: ['reason'],
  }),
  makeGaugeProvider({
    name: STORED_RESOURCES,
    help: 'Resources stored, by tenant and resource_type (User, Group)',
    labelNames: ['tenant', 'resource_type'],
  }),
  makeGaugeProvider({
    name: JOURNAL_HEAD_SEQ,
    help: 'Sequence number of the last journal entry committed, by tenant',
    labelNames: ['tenant'],
  }),
];

/** Why a commit wrote nothing; `error` is the only one that is a fault of the store. */
export function commitFailureReason(observation: CommitObservation): CommitFailureReason | undefined {
  if (observation.error === undefined)
    return observation.result?.applied === false ? 'revision_conflict' : undefined;
  const error = observation.error;
  if (error instanceof ScimError && error.scimType === 'uniqueness') return 'uniqueness';
  if (error instanceof ScimError && error.status === 400) return 'invalid_member';
  return 'error';
}

/**
 * Store metrics from CommitEvents (every ResourceRepository.commit of this process): commit latency and
 * failures, users and groups per tenant (counted at boot, then kept up to date by the commits) and the
 * journal head per tenant. Tenant ids are created by the admin, never by a client: the labels stay bounded.
 */
@Injectable()
export class StoreMetrics implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Metrics');
  private unsubscribe?: () => void;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly events: CommitEvents,
    private readonly resources: ResourceRepository,
    private readonly journal: JournalRepository,
    private readonly tenants: TenantRepository,
    @InjectMetric(STORE_COMMIT_DURATION) private readonly duration: Histogram<'outcome'>,
    @InjectMetric(STORE_COMMIT_FAILURES) private readonly failures: Counter<'reason'>,
    @InjectMetric(STORED_RESOURCES) private readonly stored: Gauge<'tenant' | 'resource_type'>,
    @InjectMetric(JOURNAL_HEAD_SEQ) private readonly head: Gauge<'tenant'>,
  ) {
    // Every reason from 0, so that rate() and increase() see the first failure.
    for (const reason of COMMIT_FAILURE_REASONS) this.failures.inc({ reason }, 0);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = this.events.on((observation) => this.observe(observation));
    await this.recount();
    this.timer = setInterval(() => void this.recount(), RECOUNT_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    clearInterval(this.timer);
  }

  observe(observation: CommitObservation): void {
    const { tenantId: tenant, unit, result } = observation;
    const reason = commitFailureReason(observation);
    const outcome: CommitOutcome =
      observation.error !== undefined ? 'failed' : result?.applied ? 'applied' : 'not_applied';
    this.duration.observe({ outcome }, observation.seconds);
    if (reason !== undefined) this.failures.inc({ reason });
    if (!result?.applied) return;
    if (unit.insert) this.stored.inc({ tenant, resource_type: unit.insert._type });
    if (unit.delete) this.stored.dec({ tenant, resource_type: unit.delete.resourceType });
    if (result.journalSeqs.length > 0) this.head.set({ tenant }, Math.max(...result.journalSeqs));
  }

  /** Counts users and groups and reads the journal head of every tenant (a count query each, no documents). */
  async recount(): Promise<void> {
    try {
      for (const tenant of await this.tenants.listTenants()) {
        for (const type of COUNTED_RESOURCE_TYPES) {
          const { totalResults } = await this.resources.find(tenant.id, type, {}, { skip: 0, limit: 0 });
          this.stored.set({ tenant: tenant.id, resource_type: type }, totalResults);
        }
        this.head.set({ tenant: tenant.id }, await this.journal.lastSeq(tenant.id));
      }
    } catch (error) {
      this.logger.warn(
        `Counting resources per tenant failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
