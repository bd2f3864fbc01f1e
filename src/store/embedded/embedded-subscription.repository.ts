import { ScimError } from '../../scim/errors';
import type { SubscriptionRecord } from '../subscription.record';
import { compareIds } from '../store-query.util';
import { DeadLetterRecord, DeliveryAttemptRecord, SubscriptionRepository } from '../subscription.port';
import { EmbeddedStore, toJsonValue } from './embedded.store';
import { SqliteDatabase } from './sqlite.database';

type S2 = [string, string];
type S3 = [string, string, string];

function prepareStatements(db: SqliteDatabase) {
  return {
    insert: db.prepare<S3>('INSERT INTO subscriptions (id, tenant, doc) VALUES (?, ?, ?)'),
    update: db.prepare<S2>('UPDATE subscriptions SET doc = ? WHERE id = ?'),
    delete: db.prepare<[string]>('DELETE FROM subscriptions WHERE id = ?'),
    deleteAttempts: db.prepare<[string]>('DELETE FROM delivery_attempts WHERE subscription_id = ?'),
    deleteDeadLetters: db.prepare<[string]>('DELETE FROM dead_letters WHERE subscription_id = ?'),
    insertAttempt: db.prepare<S2>('INSERT INTO delivery_attempts (subscription_id, doc) VALUES (?, ?)'),
    // Keeps the newest `keep` attempts: everything at or below the (keep+1)-th newest goes.
    trimAttempts: db.prepare<[string, string, number]>(
      'DELETE FROM delivery_attempts WHERE subscription_id = ? AND n <= (SELECT n FROM delivery_attempts ' +
        'WHERE subscription_id = ? ORDER BY n DESC LIMIT 1 OFFSET ?)',
    ),
    listAttempts: db
      .prepare<[string, number]>(
        'SELECT doc FROM delivery_attempts WHERE subscription_id = ? ORDER BY n DESC LIMIT ?',
      )
      .pluck(true),
    upsertDeadLetter: db.prepare<[string, number, string]>(
      'INSERT OR REPLACE INTO dead_letters (subscription_id, seq, doc) VALUES (?, ?, ?)',
    ),
    listDeadLetters: db
      .prepare<[string, number]>(
        'SELECT doc FROM dead_letters WHERE subscription_id = ? ORDER BY seq DESC LIMIT ?',
      )
      .pluck(true),
  };
}

interface Lease {
  owner: string;
  until: number;
}

/**
 * Subscriptions in SQLite (table `subscriptions`, loaded into memory at boot like the tenants), every change
 * durable (EmbeddedStore.durable()) before the promise resolves, except delivery attempts: they are a recent
 * history for GET …/deliveries, written to the file at once (a killed process keeps them) but not waited for,
 * so that a delivery loop never waits for a flush to record what it just did. Leases live in memory only: the embedded store
 * belongs to one process (sqlite.database.ts, locking_mode=EXCLUSIVE), so a lease never needs to outlive
 * it, and a restarted process must not wait for its predecessor's lease to expire.
 */
export class EmbeddedSubscriptionRepository extends SubscriptionRepository {
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly records = new Map<string, SubscriptionRecord>();
  private readonly leases = new Map<string, Lease>();

  constructor(private readonly store: EmbeddedStore) {
    super();
    this.statements = prepareStatements(store.db);
    for (const json of store.db
      .prepare('SELECT doc FROM subscriptions')
      .pluck(true)
      .iterate() as Iterable<string>) {
      const record = JSON.parse(json) as SubscriptionRecord;
      this.records.set(record.id, record);
    }
  }

  async insert(subscription: SubscriptionRecord): Promise<void> {
    if (this.records.has(subscription.id)) {
      throw ScimError.conflict(`A subscription with id "${subscription.id}" already exists`);
    }
    const { json, value } = toJsonValue(subscription);
    this.statements.insert.run(subscription.id, subscription.tenantId, json);
    this.records.set(value.id, value);
    await this.store.durable();
  }

  async find(tenantId: string, id: string): Promise<SubscriptionRecord | null> {
    const record = this.records.get(id);
    return record && record.tenantId === tenantId ? structuredClone(record) : null;
  }

  async revision(tenantId: string, id: string): Promise<number | null> {
    const record = this.records.get(id);
    return record && record.tenantId === tenantId ? record.rev : null;
  }

  async findById(id: string): Promise<SubscriptionRecord | null> {
    const record = this.records.get(id);
    return record ? structuredClone(record) : null;
  }

  async list(tenantId: string): Promise<SubscriptionRecord[]> {
    return this.sorted([...this.records.values()].filter((r) => r.tenantId === tenantId));
  }

  async listAll(): Promise<SubscriptionRecord[]> {
    return this.sorted([...this.records.values()]);
  }

  async update(subscription: SubscriptionRecord): Promise<boolean> {
    const current = this.records.get(subscription.id);
    if (!current || current.tenantId !== subscription.tenantId || current.rev !== subscription.rev - 1) {
      return false;
    }
    const { json, value } = toJsonValue(subscription);
    this.statements.update.run(json, subscription.id);
    this.records.set(value.id, value);
    await this.store.durable();
    return true;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const current = this.records.get(id);
    if (!current || current.tenantId !== tenantId) return false;
    this.store.transaction(() => {
      this.statements.delete.run(id);
      this.statements.deleteAttempts.run(id);
      this.statements.deleteDeadLetters.run(id);
    });
    this.records.delete(id);
    this.leases.delete(id);
    await this.store.durable();
    return true;
  }

  async acquireLease(subscriptionId: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const current = this.leases.get(subscriptionId);
    if (current && current.owner !== owner && current.until > now) return false;
    this.leases.set(subscriptionId, { owner, until: now + ttlMs });
    return true;
  }

  async releaseLease(subscriptionId: string, owner: string): Promise<void> {
    if (this.leases.get(subscriptionId)?.owner === owner) this.leases.delete(subscriptionId);
  }

  async recordAttempt(attempt: DeliveryAttemptRecord, keep: number): Promise<void> {
    const { json } = toJsonValue(attempt);
    this.store.transaction(() => {
      this.statements.insertAttempt.run(attempt.subscriptionId, json);
      this.statements.trimAttempts.run(attempt.subscriptionId, attempt.subscriptionId, Math.max(1, keep));
    });
  }

  async listAttempts(subscriptionId: string, limit: number): Promise<DeliveryAttemptRecord[]> {
    return (this.statements.listAttempts.all(subscriptionId, Math.max(0, limit)) as string[]).map(
      (json) => JSON.parse(json) as DeliveryAttemptRecord,
    );
  }

  async addDeadLetter(deadLetter: DeadLetterRecord): Promise<void> {
    const { json } = toJsonValue(deadLetter);
    this.statements.upsertDeadLetter.run(deadLetter.subscriptionId, deadLetter.seq, json);
    await this.store.durable();
  }

  async listDeadLetters(subscriptionId: string, limit: number): Promise<DeadLetterRecord[]> {
    return (this.statements.listDeadLetters.all(subscriptionId, Math.max(0, limit)) as string[]).map(
      (json) => JSON.parse(json) as DeadLetterRecord,
    );
  }

  private sorted(records: SubscriptionRecord[]): SubscriptionRecord[] {
    return records
      .sort(
        (a, b) =>
          compareIds(a.tenantId, b.tenantId) ||
          compareIds(a.createdAt, b.createdAt) ||
          compareIds(a.id, b.id),
      )
      .map((r) => structuredClone(r));
  }
}
