import { StoreHealth } from '../ports';
import { EmbeddedStore } from './embedded.store';

export class EmbeddedStoreHealth extends StoreHealth {
  constructor(private readonly store: EmbeddedStore) {
    super();
  }

  /** A `SELECT 1` on the SQLite connection: fails once the store is closed or the file is unusable. */
  async ping(): Promise<void> {
    if (!this.store.isOpen) throw new Error('Embedded store is closed');
    this.store.statements.ping.get();
  }

  /** Closes the SQLite connection (idempotent); WAL content is checkpointed into the main file. */
  async close(): Promise<void> {
    this.store.close();
  }
}
