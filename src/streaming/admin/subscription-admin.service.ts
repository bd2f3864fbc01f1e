import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { ScimError } from '../../scim/errors';
import { JournalRepository, TenantRepository } from '../../store/ports';
import { SubscriptionRepository } from '../../store/subscription.port';
import { AdminAction, AdminJournal } from '../admin-journal';
import { StreamMetrics } from '../stream.metrics';
import type { SubscriptionRecord } from '../subscription';
import { SubscriptionSecrets } from '../subscription-secrets';
import { setIssuer } from '../set/set-issuer';
import { SsfStreamUpdates } from '../set/ssf-stream-updates';
import { WebhookUrlPolicy } from '../webhook/webhook-url.policy';
import {
  CreateSubscriptionDto,
  DEFAULT_MAX_RETRY_HOURS,
  ReplayDto,
  RotateSecretDto,
  UpdateSubscriptionDto,
} from './subscription.dto';
import {
  checkMaxBatchSize,
  checkTimeoutMs,
  checkWebhookUrl,
  parseDelivery,
  parseEventTypes,
  parsePushAuthorization,
  parseResourceTypes,
  parseStartAt,
} from './subscription-input';
import {
  DeliveriesView,
  subscriptionView,
  SubscriptionView,
  SubscriptionWithSecretView,
} from './subscription.views';

/** Grace period of a rotated secret when the request names none: 24 h. */
export const DEFAULT_GRACE_SECONDS = 24 * 3600;
const RECENT_ATTEMPTS = 50;
const RECENT_DEAD_LETTERS = 100;

/**
 * The subscriptions of the admin API (issue "Streaming"): every request is checked completely before anything
 * is written (a 400 creates nothing), secrets are shown once, and every change is journaled as an admin
 * action of the tenant (which also wakes the deliverers: they re-read the record).
 */
@Injectable()
export class SubscriptionAdminService {
  private readonly logger = new Logger('Admin');

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly tenants: TenantRepository,
    private readonly journal: JournalRepository,
    private readonly secrets: SubscriptionSecrets,
    private readonly urls: WebhookUrlPolicy,
    private readonly adminJournal: AdminJournal,
    private readonly metrics: StreamMetrics,
    private readonly config: AppConfig,
    private readonly streamUpdates: SsfStreamUpdates,
  ) {}

  async create(tenantId: string, dto: CreateSubscriptionDto): Promise<SubscriptionWithSecretView> {
    await this.tenant(tenantId);
    const delivery = parseDelivery(
      dto.delivery,
      this.urls,
      !!this.config.natsUrl,
      setIssuer(this.config) !== undefined,
    );
    const authorization = delivery.method === 'push' ? parsePushAuthorization(dto.delivery) : undefined;
    const eventTypes = parseEventTypes(dto.eventTypes);
    const resourceTypes = parseResourceTypes(dto.resourceTypes);
    const position = await this.startPosition(tenantId, parseStartAt(dto.startAt));
    const now = new Date().toISOString();
    const record: SubscriptionRecord = {
      id: randomUUID(),
      tenantId,
      name: dto.name,
      delivery,
      state: 'active',
      position,
      maxRetryHours: dto.maxRetryHours ?? DEFAULT_MAX_RETRY_HOURS,
      secrets: [],
      createdAt: now,
      updatedAt: now,
      attempts: 0,
      deadLettered: 0,
      rev: 1,
    };
    if (eventTypes) record.eventTypes = eventTypes;
    if (resourceTypes) record.resourceTypes = resourceTypes;
    const shown = await this.newSecret(record, now);
    if (authorization !== undefined) {
      record.secrets.unshift({
        id: randomUUID(),
        value: await this.secrets.encrypt(authorization),
        createdAt: now,
      });
    }
    await this.subscriptions.insert(record);
    await this.adminJournal.record(tenantId, 'subscription.created', 'Subscription', record.id);
    this.logger.log(`Created ${delivery.method} subscription "${record.id}" of tenant "${tenantId}"`);
    return { ...(await this.view(record)), ...shown };
  }

  async list(tenantId: string): Promise<SubscriptionView[]> {
    await this.tenant(tenantId);
    const head = await this.journal.lastSeq(tenantId);
    return (await this.subscriptions.list(tenantId)).map((r) => subscriptionView(r, head));
  }

  async get(tenantId: string, id: string): Promise<SubscriptionView> {
    return this.view(await this.subscription(tenantId, id));
  }

  async update(tenantId: string, id: string, dto: UpdateSubscriptionDto): Promise<SubscriptionView> {
    const current = await this.subscription(tenantId, id);
    const method = current.delivery.method;
    const webhookOnly = (['url', 'maxBatchSize', 'timeoutMs'] as const).filter(
      (k) => dto[k] !== undefined && !(method === 'push' && k !== 'maxBatchSize'),
    );
    if (webhookOnly.length > 0 && method !== 'webhook') {
      throw ScimError.invalidValue(`${webhookOnly.join(', ')}: only a webhook subscription has them`);
    }
    if (dto.format !== undefined && method !== 'push' && method !== 'poll') {
      throw ScimError.invalidValue('format: only a push or poll subscription has it');
    }
    if (dto.state === 'active' && current.state === 'expired') {
      throw ScimError.conflict('The subscription has expired: POST …/replay {"fromSeq": n} revives it');
    }
    // Everything is checked before anything changes.
    const url = dto.url !== undefined ? checkWebhookUrl(dto.url, this.urls) : undefined;
    const maxBatchSize = dto.maxBatchSize !== undefined ? checkMaxBatchSize(dto.maxBatchSize) : undefined;
    const timeoutMs = dto.timeoutMs !== undefined ? checkTimeoutMs(dto.timeoutMs) : undefined;
    const eventTypes = dto.eventTypes === null ? null : parseEventTypes(dto.eventTypes);
    const resourceTypes = dto.resourceTypes === null ? null : parseResourceTypes(dto.resourceTypes);
    const changed = Object.keys(dto).filter((k) => (dto as Record<string, unknown>)[k] !== undefined);
    const next = await this.mutate(current, (s) => {
      if (dto.name !== undefined) s.name = dto.name;
      if (s.delivery.method === 'webhook') {
        if (url !== undefined) s.delivery.url = url;
        if (maxBatchSize !== undefined) s.delivery.maxBatchSize = maxBatchSize;
        if (timeoutMs !== undefined) s.delivery.timeoutMs = timeoutMs;
      } else if (s.delivery.method === 'push') {
        if (url !== undefined) s.delivery.url = url;
        if (timeoutMs !== undefined) s.delivery.timeoutMs = timeoutMs;
      }
      if ((s.delivery.method === 'push' || s.delivery.method === 'poll') && dto.format !== undefined) {
        s.delivery.format = dto.format;
      }
      if (eventTypes === null) delete s.eventTypes;
      else if (eventTypes !== undefined) s.eventTypes = eventTypes;
      if (resourceTypes === null) delete s.resourceTypes;
      else if (resourceTypes !== undefined) s.resourceTypes = resourceTypes;
      if (dto.maxRetryHours !== undefined) s.maxRetryHours = dto.maxRetryHours;
      if (dto.state !== undefined && dto.state !== s.state) {
        s.state = dto.state;
        delete s.stateReason;
        if (dto.state === 'active') this.clearFailure(s);
      }
    });
    await this.journalAction(next, 'subscription.updated', changed);
    if (next.state !== current.state) await this.streamUpdates.statusChanged(next);
    return this.view(next);
  }

  /** SSF §8.1.3: replaces the subjects removed from a push or poll stream (ssf-subjects.ts keys). */
  async updateExcludedSubjects(
    tenantId: string,
    id: string,
    change: (current: readonly string[]) => string[],
  ): Promise<SubscriptionView> {
    const current = await this.subscription(tenantId, id);
    const next = await this.mutate(current, (s) => {
      const excluded = change(s.excludedSubjects ?? []);
      if (excluded.length > 0) s.excludedSubjects = excluded;
      else delete s.excludedSubjects;
    });
    await this.journalAction(next, 'subscription.updated', ['excludedSubjects']);
    return this.view(next);
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.subscription(tenantId, id);
    if (!(await this.subscriptions.delete(tenantId, id))) throw notFound(id);
    this.metrics.forget(id);
    await this.adminJournal.record(tenantId, 'subscription.deleted', 'Subscription', id);
    this.logger.log(`Deleted subscription "${id}" of tenant "${tenantId}"`);
  }

  /** Moves the position back (or forward) so that delivery resumes at fromSeq; revives an expired one. */
  async replay(tenantId: string, id: string, dto: ReplayDto): Promise<SubscriptionView> {
    const current = await this.subscription(tenantId, id);
    const head = await this.journal.lastSeq(tenantId);
    if (dto.fromSeq > head + 1) {
      throw ScimError.invalidValue(`fromSeq ${dto.fromSeq} is beyond the newest event (${head})`);
    }
    await this.assertKept(tenantId, dto.fromSeq, head, 'fromSeq');
    const next = await this.mutate(current, (s) => {
      s.position = dto.fromSeq - 1;
      // Tells a deliverer with unsaved progress that the position was set, even if to the one it saved.
      s.replays = (s.replays ?? 0) + 1;
      this.clearFailure(s);
      if (s.state === 'expired') {
        s.state = 'active';
        delete s.stateReason;
      }
    });
    await this.journalAction(next, 'subscription.replayed', ['position']);
    if (next.state !== current.state) await this.streamUpdates.statusChanged(next);
    return this.view(next);
  }

  async rotateSecret(
    tenantId: string,
    id: string,
    dto: RotateSecretDto,
  ): Promise<SubscriptionWithSecretView> {
    const current = await this.subscription(tenantId, id);
    if (current.delivery.method === 'nats') {
      throw ScimError.invalidValue('A nats subscription has no secret: NATS authenticates the server itself');
    }
    if (current.delivery.method === 'push') {
      throw ScimError.invalidValue(
        "A push subscription's only secret is the receiver's Authorization header, which the receiver issues",
      );
    }
    const now = Date.now();
    const until = new Date(now + (dto.graceSeconds ?? DEFAULT_GRACE_SECONDS) * 1000).toISOString();
    let shown: { secret?: string; token?: string } = {};
    const next = await this.mutate(current, async (s) => {
      s.secrets = s.secrets
        .filter((old) => old.expiresAt === undefined || Date.parse(old.expiresAt) > now)
        .map((old) => ({
          ...old,
          expiresAt: old.expiresAt && old.expiresAt < until ? old.expiresAt : until,
        }));
      shown = await this.newSecret(s, new Date(now).toISOString());
    });
    await this.journalAction(next, 'subscription.secret-rotated', ['secrets']);
    return { ...(await this.view(next)), ...shown };
  }

  async deliveries(tenantId: string, id: string): Promise<DeliveriesView> {
    await this.subscription(tenantId, id);
    const [attempts, deadLetters] = await Promise.all([
      this.subscriptions.listAttempts(id, RECENT_ATTEMPTS),
      this.subscriptions.listDeadLetters(id, RECENT_DEAD_LETTERS),
    ]);
    return { attempts, deadLetters };
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  /** Adds a new secret (newest first) to the record; returns what the answer shows once. */
  private async newSecret(
    record: SubscriptionRecord,
    now: string,
  ): Promise<{ secret?: string; token?: string }> {
    if (record.delivery.method === 'webhook') {
      const secret = SubscriptionSecrets.newWebhookSecret();
      record.secrets.unshift({ id: randomUUID(), value: await this.secrets.encrypt(secret), createdAt: now });
      return { secret };
    }
    if (record.delivery.method === 'sse' || record.delivery.method === 'poll') {
      const { token, hash } = SubscriptionSecrets.newConsumerToken();
      record.secrets.unshift({ id: randomUUID(), value: hash, createdAt: now });
      return { token };
    }
    return {};
  }

  private clearFailure(s: SubscriptionRecord): void {
    s.attempts = 0;
    delete s.failingSince;
    delete s.nextAttemptAt;
  }

  private async startPosition(tenantId: string, startAt: ReturnType<typeof parseStartAt>): Promise<number> {
    const head = await this.journal.lastSeq(tenantId);
    if (startAt === 'now') return head;
    if (startAt === 'earliest') return (await this.oldestKept(tenantId, head)) - 1;
    if (startAt.seq > head + 1) {
      throw ScimError.invalidValue(`startAt.seq ${startAt.seq} is beyond the next event (${head + 1})`);
    }
    await this.assertKept(tenantId, startAt.seq, head, 'startAt.seq');
    return startAt.seq - 1;
  }

  /**
   * A start at `seq` must find `seq` itself in the journal (retention may have removed it and what follows):
   * the detail names the oldest event kept, or the next one kept when only a stretch in between is gone.
   */
  private async assertKept(tenantId: string, seq: number, head: number, field: string): Promise<void> {
    if (seq > head) return;
    const [next] = await this.journal.read(tenantId, seq - 1, 1);
    if (next?.seq === seq) return;
    const oldest = await this.oldestKept(tenantId, head);
    const kept =
      seq < oldest ? `the oldest event kept is ${oldest}` : `the next event kept is ${next?.seq ?? head + 1}`;
    throw ScimError.invalidValue(`${field} ${seq} is no longer kept (JOURNAL_RETENTION_DAYS): ${kept}`);
  }

  /** The oldest seq still in the journal; head + 1 when retention has removed everything (or there is none). */
  private async oldestKept(tenantId: string, head: number): Promise<number> {
    const [first] = await this.journal.read(tenantId, 0, 1);
    return first?.seq ?? head + 1;
  }

  /** Compare-and-swap against the deliverer, which updates the same record; retried on a concurrent change. */
  private async mutate(
    current: SubscriptionRecord,
    change: (s: SubscriptionRecord) => void | Promise<void>,
  ): Promise<SubscriptionRecord> {
    let base: SubscriptionRecord | null = current;
    for (let attempt = 0; attempt < 10 && base; attempt++) {
      const next = structuredClone(base);
      await change(next);
      next.rev = base.rev + 1;
      next.updatedAt = new Date().toISOString();
      if (await this.subscriptions.update(next)) return next;
      base = await this.subscriptions.find(current.tenantId, current.id);
    }
    if (!base) throw notFound(current.id);
    throw ScimError.conflict('The subscription is changing too often right now: try again');
  }

  private async journalAction(
    record: SubscriptionRecord,
    action: AdminAction,
    changed: string[],
  ): Promise<void> {
    await this.adminJournal.record(record.tenantId, action, 'Subscription', record.id, changed);
    this.logger.log(`${action} "${record.id}" of tenant "${record.tenantId}"`);
  }

  private async view(record: SubscriptionRecord): Promise<SubscriptionView> {
    return subscriptionView(record, await this.journal.lastSeq(record.tenantId));
  }

  private async tenant(tenantId: string): Promise<void> {
    if (!(await this.tenants.findTenant(tenantId))) {
      throw ScimError.notFound(`Tenant ${JSON.stringify(tenantId)} not found`);
    }
  }

  private async subscription(tenantId: string, id: string): Promise<SubscriptionRecord> {
    await this.tenant(tenantId);
    const record = await this.subscriptions.find(tenantId, id);
    if (!record) throw notFound(id);
    return record;
  }
}

function notFound(id: string): ScimError {
  return ScimError.notFound(`Subscription ${JSON.stringify(id)} not found`);
}
