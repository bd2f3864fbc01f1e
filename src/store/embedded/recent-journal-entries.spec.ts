import type { JournalEntry } from '../ports';
import { RecentJournalEntries } from './recent-journal-entries';

function entryJson(tenantId: string, seq: number): string {
  const entry: JournalEntry = {
    tenantId,
    seq,
    time: '2026-12-07T00:00:00.000Z',
    actor: { credentialId: 'c', label: 'l' },
    operation: 'create',
    resourceType: 'User',
    resourceId: `u${seq}`,
    changedAttributes: ['userName'],
  };
  return JSON.stringify(entry);
}

describe(RecentJournalEntries.name, () => {
  it('parses an entry at its first read and hands the same frozen object to every later reader', () => {
    const sut = new RecentJournalEntries(10);
    sut.remember('t', 1, entryJson('t', 1));
    const first = sut.get('t', 1);
    expect(first).toMatchObject({ tenantId: 't', seq: 1, resourceId: 'u1' });
    expect(sut.get('t', 1)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('keeps tenants apart', () => {
    const sut = new RecentJournalEntries(10);
    sut.remember('a', 1, entryJson('a', 1));
    expect(sut.get('b', 1)).toBeUndefined();
    expect(sut.get('a', 1)?.tenantId).toBe('a');
  });

  it('keeps at most its capacity, forgetting the oldest first (a read does not make an entry younger)', () => {
    const sut = new RecentJournalEntries(2);
    sut.remember('t', 1, entryJson('t', 1));
    sut.remember('t', 2, entryJson('t', 2));
    sut.get('t', 1);
    sut.remember('t', 3, entryJson('t', 3));
    expect(sut.size).toBe(2);
    expect([sut.get('t', 1), sut.get('t', 2)?.seq, sut.get('t', 3)?.seq]).toEqual([undefined, 2, 3]);
  });

  it('forgets everything at once (retention pruned)', () => {
    const sut = new RecentJournalEntries(10);
    sut.remember('t', 1, entryJson('t', 1));
    sut.forgetAll();
    expect([sut.size, sut.get('t', 1)]).toEqual([0, undefined]);
  });
});
