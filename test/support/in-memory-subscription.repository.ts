import { Global, Module } from '@nestjs/common';
import { ScimError } from '../../src/scim/errors';
import { JournalNotifier } from '../../src/streaming/journal-notifier';
import type { SubscriptionRecord } from '../../src/streaming/subscription';
import {
  DeadLetterRecord,
  DeliveryAttemptRecord,
  SubscriptionRepository,
} from '../../src/store/subscription.port';

/**
 * TEST HELPER ONLY, until the store adapters of SubscriptionRepository are merged: records in a Map with the
 * port's compare-and-swap. Leases, attempts and dead letters are kept just enough for the transports' tests.
 */
export class InMemorySubscriptionRepositoryForTests extends SubscriptionRepository {
  readonly records = new Map<string, SubscriptionRecord>();
  private readonly attempts: DeliveryAttemptRecord[] = [];
  private readonly deadLetters: DeadLetterRecord[] = [];
  private readonly leases = new Map<string, { owner: string; until: number }>();

  async insert(subscription: SubscriptionRecord): Promise<void> {
    if (this.records.has(subscription.id)) throw ScimError.conflict('exists');
    this.records.set(subscription.id, structuredClone(subscription));
  }
  async find(tenantId: string, id: string): Promise<SubscriptionRecord | null> {
    const found = this.records.get(id);
    return found && found.tenantId === tenantId ? structuredClone(found) : null;
  }
  async revision(tenantId: string, id: string): Promise<number | null> {
    const found = this.records.get(id);
    return found && found.tenantId === tenantId ? found.rev : null;
  }
  async findById(id: string): Promise<SubscriptionRecord | null> {
    const found = this.records.get(id);
    return found ? structuredClone(found) : null;
  }
  async list(tenantId: string): Promise<SubscriptionRecord[]> {
    return [...this.records.values()].filter((r) => r.tenantId === tenantId).map((r) => structuredClone(r));
  }
  async listAll(): Promise<SubscriptionRecord[]> {
    return [...this.records.values()].map((r) => structuredClone(r));
  }
  async update(subscription: SubscriptionRecord): Promise<boolean> {
    const stored = this.records.get(subscription.id);
    if (!stored || stored.rev !== subscription.rev - 1) return false;
    this.records.set(subscription.id, structuredClone(subscription));
    return true;
  }
  async delete(_tenantId: string, id: string): Promise<boolean> {
    return this.records.delete(id);
  }
  async acquireLease(subscriptionId: string, owner: string, ttlMs: number): Promise<boolean> {
    const lease = this.leases.get(subscriptionId);
    if (lease && lease.owner !== owner && lease.until > Date.now()) return false;
    this.leases.set(subscriptionId, { owner, until: Date.now() + ttlMs });
    return true;
  }
  async releaseLease(subscriptionId: string, owner: string): Promise<void> {
    if (this.leases.get(subscriptionId)?.owner === owner) this.leases.delete(subscriptionId);
  }
  async recordAttempt(attempt: DeliveryAttemptRecord): Promise<void> {
    this.attempts.unshift(attempt);
  }
  async listAttempts(subscriptionId: string, limit: number): Promise<DeliveryAttemptRecord[]> {
    return this.attempts.filter((a) => a.subscriptionId === subscriptionId).slice(0, limit);
  }
  async addDeadLetter(deadLetter: DeadLetterRecord): Promise<void> {
    this.deadLetters.push(deadLetter);
  }
  async listDeadLetters(subscriptionId: string, limit: number): Promise<DeadLetterRecord[]> {
    return this.deadLetters.filter((d) => d.subscriptionId === subscriptionId).slice(0, limit);
  }
}

/** TEST HELPER ONLY: provides the streaming ports the transports need until the CORE wiring is merged. */
@Global()
@Module({
  providers: [
    { provide: SubscriptionRepository, useClass: InMemorySubscriptionRepositoryForTests },
    JournalNotifier,
  ],
  exports: [SubscriptionRepository, JournalNotifier],
})
export class StreamingPortsForTestsModule {}
