import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedStore, SQLITE_FILE_NAME } from './embedded.store';
import { openSqlite, SqliteDatabase } from './sqlite.database';
import { WalFlusher } from './wal-flusher';

describe(WalFlusher.name, () => {
  let dir: string;
  let db: SqliteDatabase;
  const file = () => join(dir, 'db.sqlite');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scim-wal-'));
    db = openSqlite(file());
    db.pragma('wal_autocheckpoint = 0');
    db.pragma('synchronous = OFF');
    db.exec('CREATE TABLE t (n INTEGER)');
  });

  afterEach(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (count: number) => {
    const statement = db.prepare('INSERT INTO t (n) VALUES (?)');
    db.transaction(() => {
      for (let n = 0; n < count; n++) statement.run(n);
    })();
  };

  it('leaves the WAL alone below the checkpoint size', async () => {
    const sut = new WalFlusher(db, `${file()}-wal`, () => undefined, 10 * 1024 * 1024);
    insert(100);
    await sut.flush();
    expect(statSync(`${file()}-wal`).size).toBeGreaterThan(0);
    sut.close();
  });

  it('checkpoints into the main file under synchronous=FULL once the WAL is large, then writes unsynced again', async () => {
    const sut = new WalFlusher(db, `${file()}-wal`, () => undefined, 1);
    insert(1000);
    await sut.flush();
    expect(statSync(`${file()}-wal`).size).toBe(0); // TRUNCATE: everything is in the main file
    expect(db.pragma('synchronous', { simple: true })).toBe(0);
    insert(1);
    sut.close();
    db.close();
    const reopened = openSqlite(file());
    expect(reopened.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(1001);
    reopened.close();
  });

  it('makes close() sync: SQLite’s checkpoint at close runs under FULL', () => {
    const sut = new WalFlusher(db, `${file()}-wal`, () => undefined);
    insert(10);
    sut.close();
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });
});

describe('EmbeddedStore group commit', () => {
  let dir: string;
  let store: EmbeddedStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scim-group-commit-'));
  });

  afterEach(() => {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the connection unsynced, without automatic checkpoints (ours run under FULL)', () => {
    store = EmbeddedStore.open(dir);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(0);
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
  });

  it('shares one flush among the writes of one moment, and each waits for a flush', async () => {
    store = EmbeddedStore.open(dir);
    const probe = store.db.prepare('INSERT OR REPLACE INTO health_probe (id, at) VALUES (?, ?)');
    const writes = Array.from({ length: 50 }, (_, n) => {
      probe.run(n, 'now');
      return store.durable();
    });
    expect(store.flushCount).toBe(0); // none acknowledged without a flush
    await Promise.all(writes);
    expect(store.flushCount).toBe(1);
    expect(statSync(join(dir, `${SQLITE_FILE_NAME}-wal`)).size).toBeGreaterThan(0);
  });

  it('keeps synchronous NORMAL as it is (bench seeding): no flush at all', async () => {
    store = EmbeddedStore.open(dir, { synchronous: 'NORMAL' });
    await store.durable();
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1);
    expect(store.flushCount).toBe(0);
  });
});
