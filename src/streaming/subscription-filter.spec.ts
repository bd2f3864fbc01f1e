import type { JournalEntry } from '../store/ports';
import { wantsEntry } from './subscription-filter';

const entry = (resourceType: string, resourceId: string): JournalEntry =>
  ({
    seq: 1,
    time: '2026-01-01T00:00:00Z',
    operation: 'patch',
    resourceType,
    resourceId,
    changedAttributes: ['displayName'],
    actor: { credentialId: 't', label: 't' },
  }) as unknown as JournalEntry;

describe(wantsEntry.name, () => {
  it('moves over the events of subjects removed from the stream (SSF §8.1.3.3), only theirs', () => {
    const stream = { excludedSubjects: ['User/a', 'Group/g'] };
    expect(wantsEntry(stream, entry('User', 'a'))).toBe(false);
    expect(wantsEntry(stream, entry('Group', 'g'))).toBe(false);
    expect(wantsEntry(stream, entry('User', 'b'))).toBe(true);
    // A Group with a removed User's id is another subject.
    expect(wantsEntry(stream, entry('Group', 'a'))).toBe(true);
    expect(wantsEntry({}, entry('User', 'a'))).toBe(true);
  });
});
