import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

export interface SqliteOptions {
  /**
   * PRAGMA synchronous. FULL (the default) fsyncs the WAL on every commit, so an acknowledged write survives
   * a power loss; NORMAL survives a process crash only.
   */
  synchronous?: 'FULL' | 'EXTRA' | 'NORMAL';
  /** How long to wait for a lock held by another connection before failing (ms). */
  busyTimeoutMs?: number;
}

/**
 * Schema migrations, applied in order; the index + 1 is the schema version recorded in `schema_version`.
 * Never edit a shipped entry: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE resources (
    tenant TEXT NOT NULL,
    type   TEXT NOT NULL,
    id     TEXT NOT NULL,
    doc    TEXT NOT NULL,
    PRIMARY KEY (tenant, type, id)
  ) WITHOUT ROWID;
  CREATE TABLE memberships (
    tenant      TEXT NOT NULL,
    group_id    TEXT NOT NULL,
    member_id   TEXT NOT NULL,
    member_type TEXT NOT NULL,
    PRIMARY KEY (tenant, group_id, member_id)
  ) WITHOUT ROWID;
  CREATE INDEX memberships_by_member ON memberships (tenant, member_id);
  CREATE TABLE tenants (
    id  TEXT PRIMARY KEY,
    doc TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE tokens (
    id     TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    hash   TEXT NOT NULL UNIQUE,
    doc    TEXT NOT NULL
  );
  CREATE INDEX tokens_by_tenant ON tokens (tenant);
  `,
  // 2: OAuth clients of the admin API (client id unique across tenants; secrets inside the doc, as hashes).
  `
  CREATE TABLE oauth_clients (
    client_id TEXT PRIMARY KEY,
    tenant    TEXT NOT NULL,
    doc       TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX oauth_clients_by_tenant ON oauth_clients (tenant);
  `,
  // 3: the change journal. journal_counters keeps each tenant's last sequence number, so that numbering goes
  // on without reuse even after retention has pruned every entry of a tenant.
  `
  CREATE TABLE journal (
    tenant TEXT    NOT NULL,
    seq    INTEGER NOT NULL,
    time   TEXT    NOT NULL,
    doc    TEXT    NOT NULL,
    PRIMARY KEY (tenant, seq)
  ) WITHOUT ROWID;
  CREATE INDEX journal_by_time ON journal (time);
  CREATE TABLE journal_counters (
    tenant   TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 4: secrets the server generates for itself (cursor key, OAuth signing key), written once per name.
  `
  CREATE TABLE server_secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // 5: subscriptions of the change stream (issue "Streaming"), their recent delivery attempts (bounded per
  // subscription) and their dead letters. Leases are not stored: one process owns the embedded store.
  `
  CREATE TABLE subscriptions (
    id     TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    doc    TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX subscriptions_by_tenant ON subscriptions (tenant);
  CREATE TABLE delivery_attempts (
    n               INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id TEXT NOT NULL,
    doc             TEXT NOT NULL
  );
  CREATE INDEX delivery_attempts_by_subscription ON delivery_attempts (subscription_id, n);
  CREATE TABLE dead_letters (
    subscription_id TEXT    NOT NULL,
    seq             INTEGER NOT NULL,
    doc             TEXT    NOT NULL,
    PRIMARY KEY (subscription_id, seq)
  ) WITHOUT ROWID;
  `,
  // 6: one row the readiness probe rewrites while the store cannot write, to learn when it can again.
  `
  CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL
  );
  `,
];

/** The schema version this code expects: a database written by a newer release is refused. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export function currentSchemaVersion(db: SqliteDatabase): number {
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_version').get() as {
    version: number | null;
  };
  return row.version ?? 0;
}

/** Brings the database to SCHEMA_VERSION, each migration in its own transaction. */
export function migrate(db: SqliteDatabase): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  const from = currentSchemaVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new Error(
      `SQLite store has schema version ${from}, newer than this release supports (${SCHEMA_VERSION}); refusing to open it`,
    );
  }
  const record = db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)');
  for (let version = from + 1; version <= SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version - 1]);
      record.run(version, new Date().toISOString());
    })();
  }
}

/**
 * Opens (creating if needed) the SQLite file and migrates it.
 *
 * - WAL: readers never block the writer, and a commit is one sequential append.
 * - locking_mode=EXCLUSIVE: the in-memory copy is the read path, so a second process writing the same file
 *   would silently diverge from it; holding the lock for the life of the connection makes that second
 *   process fail at boot instead ("database is locked").
 */
export function openSqlite(file: string, options: SqliteOptions = {}): SqliteDatabase {
  const db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('foreign_keys = ON');
    migrate(db);
    // In EXCLUSIVE mode a lock, once taken, is kept: take the write lock now rather than at the first write.
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
