import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalEntryInput } from '../ports';
import { EmbeddedJournal } from './embedded-journal';
import { RecentJournalEntries } from './recent-journal-entries';
import { openSqlite, SqliteDatabase } from './sqlite.database';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2024-06-30T00:00:00.000Z');

function input(resourceId: string, time: number): JournalEntryInput {
  return {
    time: new Date(time).toISOString(),
    actor: { credentialId: 'c', label: 'l' },
    operation: 'create',
    resourceType: 'User',
    resourceId,
    changedAttributes: [],
  };
}

describe(EmbeddedJournal.name, () => {
  let dir: string;
  let db: SqliteDatabase;
  let sut: EmbeddedJournal;

  /** stage + publish in one transaction, as the resource repository does; not yet durable. */
  function commit(tenant: string, ...entries: JournalEntryInput[]): number[] {
    const staged = db.transaction(() => sut.stage(tenant, entries))();
    staged.publish();
    return staged.seqs;
  }

  /** commit, then the store's flush. */
  function write(tenant: string, ...entries: JournalEntryInput[]): number[] {
    const seqs = commit(tenant, ...entries);
    sut.markDurable(sut.takeUndurable());
    return seqs;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scim-journal-'));
    db = openSqlite(join(dir, 'db.sqlite'));
    sut = new EmbeddedJournal(db, 30);
  });

  afterEach(() => {
    sut.stopPruning();
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets readers see an entry only once a flush that started after its commit has ended', () => {
    write('t', input('a', NOW));
    commit('t', input('b', NOW));
    expect([sut.lastSeqOf('t'), sut.durableSeqOf('t')]).toEqual([2, 1]);
    expect(sut.read('t', 0, 10).map((e) => e.resourceId)).toEqual(['a']);
    const flushing = sut.takeUndurable();
    commit('t', input('c', NOW)); // written while the flush runs: not covered by it
    sut.markDurable(flushing);
    expect(sut.read('t', 0, 10).map((e) => e.resourceId)).toEqual(['a', 'b']);
    sut.markDurable(sut.takeUndurable());
    expect(sut.read('t', 1, 10).map((e) => e.resourceId)).toEqual(['b', 'c']);
  });

  it('covers again, at the next flush, what a failed flush was to make durable', () => {
    commit('t', input('a', NOW));
    commit('u', input('b', NOW));
    sut.retakeUndurable(sut.takeUndurable()); // the flush failed
    expect(sut.read('t', 0, 10)).toEqual([]);
    sut.markDurable(sut.takeUndurable());
    expect([sut.durableSeqOf('t'), sut.durableSeqOf('u')]).toEqual([1, 1]);
  });

  it('does not advance the tenant’s number when the transaction rolls back', () => {
    write('t', input('a', NOW));
    expect(() =>
      db.transaction(() => {
        sut.stage('t', [input('b', NOW)]);
        throw new Error('the document write failed');
      })(),
    ).toThrow('the document write failed');
    expect([sut.lastSeqOf('t'), write('t', input('c', NOW))]).toEqual([1, [2]]);
    expect(sut.read('t', 0, 10).map((e) => [e.seq, e.resourceId])).toEqual([
      [1, 'a'],
      [2, 'c'],
    ]);
  });

  it('hands every reader the same entry, frozen, parsed once', () => {
    write('t', input('a', NOW));
    const [first] = sut.read('t', 0, 10);
    const [second] = sut.read('t', 0, 10);
    expect(second).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.changedAttributes)).toBe(true);
    expect(() => first.changedAttributes.push('x')).toThrow(TypeError);
  });

  it('reads on from SQLite, in order, after the entries it has at hand', () => {
    sut = new EmbeddedJournal(db, 30, undefined, new RecentJournalEntries(3));
    write('t', ...['a', 'b', 'c', 'd', 'e'].map((id) => input(id, NOW))); // 3..5 at hand
    expect(sut.read('t', 0, 2).map((e) => e.seq)).toEqual([1, 2]); // from SQLite, now at hand; 3 and 4 not
    expect(sut.read('t', 0, 10).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(sut.read('t', 3, 1).map((e) => e.resourceId)).toEqual(['d']);
  });

  it('reads entries written by another instance on the same file (nothing at hand)', () => {
    write('t', input('a', NOW), input('b', NOW));
    const other = new EmbeddedJournal(db, 30);
    expect(other.read('t', 1, 10).map((e) => e.resourceId)).toEqual(['b']);
  });

  it('deletes the entries older than the retention period and keeps the others', () => {
    write('t', input('old', NOW - 31 * DAY), input('recent', NOW - 29 * DAY));
    expect(sut.read('t', 0, 10)).toHaveLength(2); // both at hand
    expect(sut.prune(NOW)).toBe(1);
    expect(sut.read('t', 0, 10).map((e) => e.resourceId)).toEqual(['recent']);
  });

  it('never reuses numbers, even when every entry of a tenant was pruned and the store reopened', () => {
    write('t', input('a', NOW - 40 * DAY), input('b', NOW - 40 * DAY));
    sut.prune(NOW);
    db.close();
    db = openSqlite(join(dir, 'db.sqlite'));
    sut = new EmbeddedJournal(db, 30);
    expect(write('t', input('c', NOW))).toEqual([3]);
  });

  it('prunes at once when pruning starts', () => {
    write('t', input('ancient', Date.now() - 365 * DAY));
    sut.startPruning();
    expect(sut.read('t', 0, 10)).toEqual([]);
  });

  it('refuses a retention below one day', () => {
    expect(() => new EmbeddedJournal(db, 0)).toThrow(/retention/);
  });
});
