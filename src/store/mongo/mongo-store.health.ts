import { Connection } from 'mongoose';
import { StoreHealth } from '../ports';

/** mongoose Connection.readyState value for "connected". */
const CONNECTED = 1;

export class MongoStoreHealth extends StoreHealth {
  constructor(private readonly connection: Connection) {
    super();
  }

  /** The admin `ping` command: answers only when a server is reachable. */
  async ping(): Promise<void> {
    const db = this.connection.db;
    if (!db || this.connection.readyState !== CONNECTED) throw new Error('MongoDB connection is not open');
    await db.admin().command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
