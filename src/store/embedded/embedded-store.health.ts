import { StoreHealth } from '../ports';
import { StorageCondition } from '../storage-failure';
import { EmbeddedStore } from './embedded.store';
import { sqliteStorageFailure } from './sqlite-storage-failure';

export class EmbeddedStoreHealth extends StoreHealth {
  constructor(
    private readonly store: EmbeddedStore,
    private readonly condition: StorageCondition = new StorageCondition(),
  ) {
    super();
  }

  /**
   * A `SELECT 1` on the SQLite connection: fails once the store is closed or the file is unusable. While a
   * write has failed for a storage reason (full disk, read-only files, I/O error), also a probe write: it fails
   * as long as the store cannot write, and its success clears the condition.
   */
  async ping(): Promise<void> {
    if (!this.store.isOpen) throw new Error('Embedded store is closed');
    this.store.statements.ping.get();
    if (this.condition.failure === undefined) return;
    try {
      this.store.probeWrite();
      await this.store.durable();
    } catch (error) {
      const reason = sqliteStorageFailure(error) ?? this.condition.failure;
      throw new Error(`The store cannot write: ${reason}`, { cause: error });
    }
    this.condition.recover();
  }

  /** Closes the SQLite connection (idempotent); WAL content is checkpointed into the main file. */
  async close(): Promise<void> {
    this.store.close();
  }
}
