import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentSchemaVersion, openSqlite, SCHEMA_VERSION, SqliteDatabase } from './sqlite.database';

describe(openSqlite.name, () => {
  let dir: string;
  let sut: SqliteDatabase;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scim-sqlite-'));
    sut = openSqlite(join(dir, 'db.sqlite'));
  });

  afterEach(() => {
    if (sut.open) sut.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses the write-ahead log', () => {
    expect(sut.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('syncs every commit by default (synchronous = FULL)', () => {
    expect(sut.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('accepts a weaker synchronous level when asked', () => {
    sut.close();
    sut = openSqlite(join(dir, 'db.sqlite'), { synchronous: 'NORMAL' });
    expect(sut.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('records the schema version it migrated to', () => {
    expect(currentSchemaVersion(sut)).toBe(SCHEMA_VERSION);
  });

  it('does not re-run migrations on reopen', () => {
    sut.close();
    sut = openSqlite(join(dir, 'db.sqlite'));
    expect(sut.prepare('SELECT COUNT(*) AS n FROM schema_version').get()).toEqual({ n: SCHEMA_VERSION });
  });

  it('creates the tables and the reverse membership index', () => {
    const names = sut
      .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")
      .pluck()
      .all();
    expect(names).toEqual(
      expect.arrayContaining([
        'resources',
        'memberships',
        'tenants',
        'tokens',
        'schema_version',
        'memberships_by_member',
        'journal',
        'journal_counters',
        'journal_by_time',
      ]),
    );
  });

  it('refuses a database written by a newer release', () => {
    sut
      .prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)')
      .run(SCHEMA_VERSION + 1, 'later');
    sut.close();
    expect(() => openSqlite(join(dir, 'db.sqlite'))).toThrow(/newer than this release/);
  });

  it('keeps a second connection out while open', () => {
    expect(() => openSqlite(join(dir, 'db.sqlite'), { busyTimeoutMs: 50 })).toThrow(/locked/);
  });
});
