import { Connection } from 'mongoose';
import { StoreHealth } from '../ports';
import { StorageCondition } from '../storage-failure';
import { mongoStorageFailure } from './mongo-storage-failure';

/** mongoose Connection.readyState value for "connected". */
const CONNECTED = 1;

/** The collection of the readiness probe's write (one document), used only while the store cannot write. */
export const HEALTH_PROBE_COLLECTION = 'scim_health_probe';

export class MongoStoreHealth extends StoreHealth {
  constructor(
    private readonly connection: Connection,
    private readonly condition: StorageCondition = new StorageCondition(),
  ) {
    super();
  }

  /**
   * The admin `ping` command: answers only when a server is reachable. While a write has failed for a storage
   * reason (out of disk space, no writable primary), also a probe write, whose success clears the condition.
   */
  async ping(): Promise<void> {
    const db = this.connection.db;
    if (!db || this.connection.readyState !== CONNECTED) throw new Error('MongoDB connection is not open');
    await db.admin().command({ ping: 1 });
    if (this.condition.failure === undefined) return;
    try {
      await db
        .collection<{ _id: string; at: Date }>(HEALTH_PROBE_COLLECTION)
        .updateOne({ _id: 'probe' }, { $set: { at: new Date() } }, { upsert: true });
    } catch (error) {
      const reason = mongoStorageFailure(error) ?? this.condition.failure;
      throw new Error(`The store cannot write: ${reason}`, { cause: error });
    }
    this.condition.recover();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
