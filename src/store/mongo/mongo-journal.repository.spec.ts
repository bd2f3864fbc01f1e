import { JournalEntry } from '../ports';
import { fromStoredEntry, toStoredEntry } from './mongo-journal.repository';
import { JOURNAL_INDEXES, journalSchema } from './mongo.schemas';

const ENTRY: JournalEntry = {
  tenantId: 't',
  seq: 7,
  time: '2024-05-01T10:20:30.456Z',
  actor: { credentialId: 'c', label: 'Entra' },
  requestId: 'r',
  operation: 'deactivate',
  resourceType: 'User',
  resourceId: 'u1',
  version: 'W/"2-u1"',
  changedAttributes: ['active'],
};

describe(toStoredEntry.name, () => {
  it('stores the time as a Date, which a TTL index can expire', () => {
    expect(toStoredEntry(ENTRY).time).toEqual(new Date(ENTRY.time));
  });

  it('drops undefined members instead of storing them as null', () => {
    expect('requestId' in toStoredEntry({ ...ENTRY, requestId: undefined })).toBe(false);
  });
});

describe(fromStoredEntry.name, () => {
  it('gives back the entry as written, time as an ISO string and without _id', () => {
    expect(fromStoredEntry({ _id: 'x', ...toStoredEntry(ENTRY) })).toEqual(ENTRY);
  });
});

describe(journalSchema.name, () => {
  it('makes (tenantId, seq) unique, so a number is never given twice', () => {
    expect(JOURNAL_INDEXES).toEqual([
      { fields: { tenantId: 1, seq: 1 }, options: { name: 'tenant_seq_unique', unique: true } },
    ]);
    expect(journalSchema().indexes()).toEqual([
      [{ tenantId: 1, seq: 1 }, expect.objectContaining({ unique: true })],
    ]);
  });
});
