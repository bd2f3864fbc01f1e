import { Collection, Connection } from 'mongoose';
import { ScimError } from '../../scim/errors';
import type { SubscriptionRecord } from '../subscription.record';
import { DeadLetterRecord, DeliveryAttemptRecord, SubscriptionRepository } from '../subscription.port';
import { COLLECTIONS } from './mongo.schemas';
import { fromStored, isDuplicateKeyError, toStored } from './mongo.mapping';

/** A subscription as stored: `_id` is its id. */
type SubscriptionDocument = SubscriptionRecord & { _id: string };
/** One lease per subscription (`_id` = subscription id); `leaseUntil` is a Date so that it compares in $lt. */
interface LeaseDocument {
  _id: string;
  owner: string;
  leaseUntil: Date;
}

/**
 * Subscriptions on MongoDB (issue "Streaming"): plain collections, no transaction needed (every change is one
 * document). The lease is what makes several replicas deliver a subscription exactly one at a time: taken
 * with one findOneAndUpdate on `{_id, $or: [{leaseUntil < now}, {owner}]}` with upsert, so a live lease of
 * another owner matches nothing and the upsert collides on `_id` (duplicate key = not acquired).
 */
export class MongoSubscriptionRepository extends SubscriptionRepository {
  constructor(
    private readonly subscriptions: Collection<SubscriptionDocument>,
    private readonly leases: Collection<LeaseDocument>,
    private readonly attempts: Collection<DeliveryAttemptRecord & { seqNo: number }>,
    private readonly deadLetters: Collection<DeadLetterRecord & { _id: string }>,
  ) {
    super();
  }

  /** Binds the collections of an open connection and creates their indexes (a no-op when they exist). */
  static async create(connection: Connection): Promise<MongoSubscriptionRepository> {
    const db = connection.db!;
    const subscriptions = db.collection<SubscriptionDocument>(COLLECTIONS.subscriptions);
    const attempts = db.collection<DeliveryAttemptRecord & { seqNo: number }>(COLLECTIONS.deliveryAttempts);
    const deadLetters = db.collection<DeadLetterRecord & { _id: string }>(COLLECTIONS.deadLetters);
    await subscriptions.createIndex({ tenantId: 1, createdAt: 1, _id: 1 }, { name: 'tenant_createdAt' });
    await attempts.createIndex({ subscriptionId: 1, seqNo: -1 }, { name: 'subscription_newest' });
    await deadLetters.createIndex({ subscriptionId: 1, seq: -1 }, { name: 'subscription_seq' });
    return new MongoSubscriptionRepository(
      subscriptions as unknown as Collection<SubscriptionDocument>,
      db.collection<LeaseDocument>(COLLECTIONS.subscriptionLeases) as unknown as Collection<LeaseDocument>,
      attempts as unknown as Collection<DeliveryAttemptRecord & { seqNo: number }>,
      deadLetters as unknown as Collection<DeadLetterRecord & { _id: string }>,
    );
  }

  async insert(subscription: SubscriptionRecord): Promise<void> {
    try {
      await this.subscriptions.insertOne({ ...toStored(subscription), _id: subscription.id });
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw ScimError.conflict(`A subscription with id "${subscription.id}" already exists`);
      }
      throw error;
    }
  }

  async find(tenantId: string, id: string): Promise<SubscriptionRecord | null> {
    const doc = await this.subscriptions.findOne({ _id: id, tenantId });
    return doc ? fromStored<SubscriptionRecord>(doc) : null;
  }

  async revision(tenantId: string, id: string): Promise<number | null> {
    const doc = await this.subscriptions.findOne({ _id: id, tenantId }, { projection: { rev: 1 } });
    return doc ? doc.rev : null;
  }

  async findById(id: string): Promise<SubscriptionRecord | null> {
    const doc = await this.subscriptions.findOne({ _id: id });
    return doc ? fromStored<SubscriptionRecord>(doc) : null;
  }

  async list(tenantId: string): Promise<SubscriptionRecord[]> {
    const docs = await this.subscriptions.find({ tenantId }).sort({ createdAt: 1, _id: 1 }).toArray();
    return docs.map((doc) => fromStored<SubscriptionRecord>(doc));
  }

  async listAll(): Promise<SubscriptionRecord[]> {
    const docs = await this.subscriptions.find({}).sort({ tenantId: 1, createdAt: 1, _id: 1 }).toArray();
    return docs.map((doc) => fromStored<SubscriptionRecord>(doc));
  }

  async update(subscription: SubscriptionRecord): Promise<boolean> {
    const result = await this.subscriptions.replaceOne(
      { _id: subscription.id, tenantId: subscription.tenantId, rev: subscription.rev - 1 },
      toStored(subscription),
    );
    return result.matchedCount === 1;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const { deletedCount } = await this.subscriptions.deleteOne({ _id: id, tenantId });
    if (deletedCount === 0) return false;
    await this.attempts.deleteMany({ subscriptionId: id });
    await this.deadLetters.deleteMany({ subscriptionId: id });
    await this.leases.deleteOne({ _id: id });
    return true;
  }

  async acquireLease(subscriptionId: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = new Date();
    try {
      const lease = await this.leases.findOneAndUpdate(
        { _id: subscriptionId, $or: [{ leaseUntil: { $lt: now } }, { owner }] },
        { $set: { owner, leaseUntil: new Date(now.getTime() + ttlMs) } },
        { upsert: true, returnDocument: 'after' },
      );
      return lease?.owner === owner;
    } catch (error) {
      // Held by another owner: the filter matched nothing and the upsert hit the existing _id.
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async releaseLease(subscriptionId: string, owner: string): Promise<void> {
    await this.leases.deleteOne({ _id: subscriptionId, owner });
  }

  async recordAttempt(attempt: DeliveryAttemptRecord, keep: number): Promise<void> {
    // seqNo orders attempts of one subscription (time alone ties within a millisecond).
    const seqNo = Date.now() * 1000 + Math.floor(Math.random() * 1000);
    await this.attempts.insertOne({ ...toStored(attempt), seqNo });
    const boundary = await this.attempts
      .find({ subscriptionId: attempt.subscriptionId }, { projection: { seqNo: 1 } })
      .sort({ seqNo: -1 })
      .skip(Math.max(1, keep))
      .limit(1)
      .next();
    if (boundary) {
      await this.attempts.deleteMany({
        subscriptionId: attempt.subscriptionId,
        seqNo: { $lte: boundary.seqNo },
      });
    }
  }

  async listAttempts(subscriptionId: string, limit: number): Promise<DeliveryAttemptRecord[]> {
    if (limit <= 0) return [];
    const docs = await this.attempts
      .find({ subscriptionId }, { projection: { _id: 0, seqNo: 0 } })
      .sort({ seqNo: -1 })
      .limit(limit)
      .toArray();
    return docs.map((doc) => fromStored<DeliveryAttemptRecord>(doc));
  }

  async addDeadLetter(deadLetter: DeadLetterRecord): Promise<void> {
    const _id = `${deadLetter.subscriptionId}:${deadLetter.seq}`;
    await this.deadLetters.replaceOne({ _id }, toStored(deadLetter), { upsert: true });
  }

  async listDeadLetters(subscriptionId: string, limit: number): Promise<DeadLetterRecord[]> {
    if (limit <= 0) return [];
    const docs = await this.deadLetters.find({ subscriptionId }).sort({ seq: -1 }).limit(limit).toArray();
    return docs.map((doc) => fromStored<DeadLetterRecord>(doc));
  }
}
