import { ServerSecretRepository } from '../ports';
import { EmbeddedStore } from './embedded.store';

export class EmbeddedServerSecretRepository extends ServerSecretRepository {
  private readonly select;
  private readonly insert;

  constructor(private readonly store: EmbeddedStore) {
    super();
    this.select = store.db
      .prepare<[string], string>('SELECT value FROM server_secrets WHERE name = ?')
      .pluck(true);
    this.insert = store.db.prepare<[string, string, string]>(
      'INSERT OR IGNORE INTO server_secrets (name, value, created_at) VALUES (?, ?, ?)',
    );
  }

  async getOrCreate(name: string, create: () => string | Promise<string>): Promise<string> {
    const stored = this.select.get(name);
    if (stored !== undefined) return stored;
    const value = await create();
    // `create` may have awaited: another caller may have stored a value meanwhile, and that one wins.
    this.insert.run(name, value, new Date().toISOString());
    await this.store.durable();
    return this.select.get(name)!;
  }
}
