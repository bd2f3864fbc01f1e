import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { OAuthClientRecord, TenantRecord, TokenRecord } from '../ports';
import { DocumentModel } from '../../scim/document/document-model';
import { ResourceDocument } from '../../scim/document/resource-document';
import { createDefaultRegistry } from '../../scim/schema/core-schemas';
import type { StorageCondition } from '../storage-failure';
import { EmbeddedJournal } from './embedded-journal';
import { FlushObserver, GroupSync } from './group-sync';
import { MembershipGraph } from './membership.graph';
import { ResourceCollection } from './resource.collection';
import { openSqlite, SqliteDatabase, SqliteOptions } from './sqlite.database';
import { WalFlusher } from './wal-flusher';

/** The SQLite file inside DATA_DIR. */
export const SQLITE_FILE_NAME = 'scim-stream.sqlite';

export interface EmbeddedStoreOptions extends SqliteOptions {
  /** JOURNAL_RETENTION_DAYS: change journal entries older than this are pruned (at boot, then hourly). */
  journalRetentionDays?: number;
  /** The server's document model (its unique attributes); the RFC 7643 schemas alone when absent. */
  model?: DocumentModel;
  /** Set when a write fails for a storage reason outside a request (journal pruning). */
  condition?: StorageCondition;
  /** Told of every group-commit flush of the WAL (its metrics); none with synchronous NORMAL. */
  onWalFlush?: FlushObserver;
}

/**
 * A value as it will read back from disk: plain JSON (undefined members dropped), detached from the caller's
 * object. Memory and SQLite always hold the same thing, so nothing changes across a restart.
 */
export function toJsonValue<T>(value: T): { json: string; value: T } {
  const json = JSON.stringify(value);
  return { json, value: JSON.parse(json) as T };
}

type S2 = [string, string];
type S3 = [string, string, string];
type S4 = [string, string, string, string];

function prepareStatements(db: SqliteDatabase) {
  return {
    insertResource: db.prepare<S4>('INSERT INTO resources (tenant, type, id, doc) VALUES (?, ?, ?, ?)'),
    updateResource: db.prepare<S4>('UPDATE resources SET doc = ? WHERE tenant = ? AND type = ? AND id = ?'),
    deleteResource: db.prepare<S3>('DELETE FROM resources WHERE tenant = ? AND type = ? AND id = ?'),
    insertMembership: db.prepare<S4>(
      'INSERT OR IGNORE INTO memberships (tenant, group_id, member_id, member_type) VALUES (?, ?, ?, ?)',
    ),
    deleteMembership: db.prepare<S3>(
      'DELETE FROM memberships WHERE tenant = ? AND group_id = ? AND member_id = ?',
    ),
    deleteMembershipsOfGroup: db.prepare<S2>('DELETE FROM memberships WHERE tenant = ? AND group_id = ?'),
    deleteMembershipsOfMember: db.prepare<S2>('DELETE FROM memberships WHERE tenant = ? AND member_id = ?'),
    upsertTenant: db.prepare<S2>(
      'INSERT INTO tenants (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc',
    ),
    insertToken: db.prepare<S4>('INSERT INTO tokens (id, tenant, hash, doc) VALUES (?, ?, ?, ?)'),
    updateToken: db.prepare<S2>('UPDATE tokens SET doc = ? WHERE id = ?'),
    insertTenant: db.prepare<S2>('INSERT INTO tenants (id, doc) VALUES (?, ?)'),
    insertOAuthClient: db.prepare<S3>('INSERT INTO oauth_clients (client_id, tenant, doc) VALUES (?, ?, ?)'),
    updateOAuthClient: db.prepare<S2>('UPDATE oauth_clients SET doc = ? WHERE client_id = ?'),
    ping: db.prepare<[]>('SELECT 1 AS ok'),
    probeWrite: db.prepare<[string]>('INSERT OR REPLACE INTO health_probe (id, at) VALUES (1, ?)'),
  };
}

/**
 * The embedded store's state: every document in memory (queried there), every write committed to SQLite
 * before the in-memory copy changes, and durable before the caller's promise resolves (`durable()`).
 * better-sqlite3 is synchronous and Node runs one callback at a time, so a check-then-write sequence in one
 * method is atomic.
 *
 * Durability is by group commit (docs/stores.md "Durability"): with synchronous FULL (the default) commits do
 * not fsync on the event loop; `durable()` waits for the next shared fdatasync of the WAL (GroupSync +
 * WalFlusher). With NORMAL (bench seeding) nothing is synced per commit and `durable()` only yields.
 */
export class EmbeddedStore {
  readonly statements: ReturnType<typeof prepareStatements>;
  readonly tenants = new Map<string, TenantRecord>();
  readonly tokensById = new Map<string, TokenRecord>();
  readonly tokensByHash = new Map<string, TokenRecord>();
  readonly oauthClients = new Map<string, OAuthClientRecord>();
  private readonly collections = new Map<string, Map<string, ResourceCollection>>();
  private readonly graphs = new Map<string, MembershipGraph>();
  /** The change journal (sequence numbers and entries), written in the same transactions as the data. */
  readonly journal: EmbeddedJournal;
  /** Which shadows a document has and which of them are unique per tenant. */
  readonly model: DocumentModel;
  /** Group commit: absent when the store was opened with synchronous NORMAL. */
  private readonly flusher?: WalFlusher;
  private readonly groupSync?: GroupSync;

  private constructor(
    readonly db: SqliteDatabase,
    file: string,
    options: EmbeddedStoreOptions = {},
  ) {
    this.statements = prepareStatements(db);
    if ((options.synchronous ?? 'FULL') !== 'NORMAL') {
      // FULL/EXTRA become group commit: every commit still durable before it is acknowledged.
      db.pragma('wal_autocheckpoint = 0');
      db.pragma('synchronous = OFF');
      const flusher = new WalFlusher(db, `${file}-wal`, (reason) => options.condition?.fail(reason));
      this.flusher = flusher;
      this.groupSync = new GroupSync(() => this.flushJournal(flusher), options.onWalFlush);
    }
    this.model = options.model ?? new DocumentModel(createDefaultRegistry());
    this.journal = new EmbeddedJournal(db, options.journalRetentionDays, (reason) =>
      options.condition?.fail(reason),
    );
  }

  /** Opens `${dataDir}/scim-stream.sqlite` (creating the directory and the file if needed) and loads it. */
  static open(dataDir: string, options: EmbeddedStoreOptions = {}): EmbeddedStore {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, SQLITE_FILE_NAME);
    const db = openSqlite(file, options);
    try {
      const store = new EmbeddedStore(db, file, options);
      store.load();
      store.journal.startPruning();
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  /** A small durable write (one row of health_probe): throws SQLite's error when the store cannot write. */
  probeWrite(): void {
    this.statements.probeWrite.run(new Date().toISOString());
  }

  /** Runs `work` in one SQLite transaction (all or nothing); durable once `durable()` resolves. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /**
   * Resolves when every write made so far is durable (one fdatasync shared by all writes waiting for it);
   * rejects with SQLITE_IOERR_FSYNC when the flush failed. Always yields to the event loop at least once, so
   * that a caller writing in a loop (Bulk) lets probes, signals and other requests in between.
   */
  async durable(): Promise<void> {
    if (!this.groupSync) {
      this.journal.markDurable(this.journal.takeUndurable());
      await yieldToEventLoop();
      return;
    }
    await this.groupSync.sync();
  }

  /** Flushes (fdatasyncs of the WAL) so far: fewer than commits under concurrent load. */
  get flushCount(): number {
    return this.groupSync?.flushes ?? 0;
  }

  /** One flush; the journal numbers committed before it started become visible to readers after it. */
  private async flushJournal(flusher: WalFlusher): Promise<void> {
    const taken = this.journal.takeUndurable();
    try {
      await flusher.flush();
    } catch (error) {
      this.journal.retakeUndurable(taken);
      throw error;
    }
    this.journal.markDurable(taken);
  }

  collection(tenantId: string, type: string): ResourceCollection | undefined {
    return this.collections.get(tenantId)?.get(type);
  }

  collectionForWrite(tenantId: string, type: string): ResourceCollection {
    let types = this.collections.get(tenantId);
    if (!types) this.collections.set(tenantId, (types = new Map()));
    let collection = types.get(type);
    if (!collection) {
      const uniqueFields = this.model.uniqueAttributes(type).map((a) => `_ci.${a.shadow}`);
      types.set(type, (collection = new ResourceCollection(uniqueFields)));
    }
    return collection;
  }

  graph(tenantId: string): MembershipGraph | undefined {
    return this.graphs.get(tenantId);
  }

  graphForWrite(tenantId: string): MembershipGraph {
    let graph = this.graphs.get(tenantId);
    if (!graph) this.graphs.set(tenantId, (graph = new MembershipGraph()));
    return graph;
  }

  close(): void {
    this.journal.stopPruning();
    this.flusher?.close();
    if (this.db.open) this.db.close();
  }

  private load(): void {
    this.loadResources();
    this.loadMemberships();
    for (const row of this.db.prepare('SELECT doc FROM tenants').pluck(true).iterate() as Iterable<string>) {
      const tenant = JSON.parse(row) as TenantRecord;
      this.tenants.set(tenant.id, tenant);
    }
    for (const row of this.db.prepare('SELECT doc FROM tokens').pluck(true).iterate() as Iterable<string>) {
      const token = JSON.parse(row) as TokenRecord;
      this.tokensById.set(token.id, token);
      this.tokensByHash.set(token.hash, token);
    }
    for (const row of this.db
      .prepare('SELECT doc FROM oauth_clients')
      .pluck(true)
      .iterate() as Iterable<string>) {
      const client = JSON.parse(row) as OAuthClientRecord;
      this.oauthClients.set(client.clientId, client);
    }
  }

  /**
   * Every document, one (tenant, type) at a time so that a row carries only its id and JSON, and the tenant
   * and type strings are shared by all the documents of the pair instead of copied into each. Rows come in key
   * order, so ids arrive sorted (ResourceCollection.load).
   */
  private loadResources(): void {
    const pairs = this.db.prepare('SELECT DISTINCT tenant, type FROM resources').raw(true).all() as S2[];
    const rows = this.db.prepare<S2>('SELECT id, doc FROM resources WHERE tenant = ? AND type = ?').raw(true);
    const schemaUris = new Map<string, string>();
    for (const [tenant, type] of pairs) {
      const collection = this.collectionForWrite(tenant, type);
      for (const [id, json] of rows.iterate(tenant, type) as Iterable<S2>) {
        const doc = JSON.parse(json) as ResourceDocument;
        if (doc.id !== id || doc._tenant !== tenant || doc._type !== type) {
          throw new Error(
            `SQLite store is inconsistent: row (${tenant}, ${type}, ${id}) holds another document`,
          );
        }
        shareRepeatedStrings(doc, tenant, type, schemaUris);
        // Recomputed, not trusted: an attribute made unique since this document was written gets its shadow.
        doc._ci = this.model.shadows(type, doc);
        collection.load(doc);
      }
    }
  }

  /**
   * Every membership, one group at a time: a row carries only the member's id and type, and the group's id is
   * one string for all its members instead of one per row.
   */
  private loadMemberships(): void {
    const groups = this.db
      .prepare('SELECT DISTINCT tenant, group_id FROM memberships')
      .raw(true)
      .all() as S2[];
    const members = this.db
      .prepare<S2>('SELECT member_id, member_type FROM memberships WHERE tenant = ? AND group_id = ?')
      .raw(true);
    for (const [tenant, groupId] of groups) {
      const graph = this.graphForWrite(tenant);
      for (const [memberId, memberType] of members.iterate(tenant, groupId) as Iterable<S2>) {
        graph.add(groupId, memberId, memberType);
      }
    }
  }
}

/**
 * Makes the strings most documents repeat one string each in memory (JSON.parse gives every document its
 * own copy): tenant, type, schema URIs, and lastModified when it equals created. A string's identity cannot be
 * observed, so the document reads exactly as parsed; 100,000 users hold some 20 MB less.
 */
function shareRepeatedStrings(
  doc: ResourceDocument,
  tenant: string,
  type: string,
  schemaUris: Map<string, string>,
): void {
  doc._tenant = tenant;
  doc._type = type;
  const { schemas, meta } = doc;
  if (Array.isArray(schemas)) {
    for (let i = 0; i < schemas.length; i++) {
      const uri = schemas[i];
      if (typeof uri !== 'string') continue;
      const shared = schemaUris.get(uri);
      if (shared === undefined) schemaUris.set(uri, uri);
      else schemas[i] = shared;
    }
  }
  if (typeof meta === 'object' && meta !== null) {
    if (meta.resourceType === type) meta.resourceType = type;
    if (meta.lastModified === meta.created) meta.lastModified = meta.created;
  }
}
