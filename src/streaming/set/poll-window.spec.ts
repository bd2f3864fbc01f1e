import type { JournalEntry } from '../../store/ports';
import type { SubscriptionRecord } from '../subscription';
import { advance, pendingChanges } from './poll-window';

const subscription: SubscriptionRecord = {
  id: 'sub-1',
  tenantId: 't',
  name: 'poll',
  delivery: { method: 'poll', format: 'full' },
  state: 'active',
  position: 0,
  maxRetryHours: 72,
  secrets: [],
  createdAt: '',
  updatedAt: '',
  attempts: 0,
  deadLettered: 0,
  rev: 1,
};

const entry = (seq: number, operation: JournalEntry['operation'] = 'create'): JournalEntry => ({
  tenantId: 't',
  seq,
  time: '2026-01-01T00:00:00Z',
  actor: { credentialId: 'c', label: 'c' },
  operation,
  resourceType: operation === 'admin' ? 'Subscription' : 'User',
  resourceId: `u${seq}`,
  changedAttributes: ['active'],
});

describe('poll window', () => {
  // 1 create, 2 admin (no SET), 3 deactivate (two SETs), 4 create
  const entries = [entry(1), entry(2, 'admin'), entry(3, 'deactivate'), entry(4)];
  const pending = pendingChanges(subscription, entries);

  it('lists the SETs after the position, admin actions left out, two for a deactivating PATCH', () => {
    expect(pending.map((p) => [p.entry.seq, p.jtis.length])).toEqual([
      [1, 1],
      [3, 2],
      [4, 1],
    ]);
  });

  it('moves over acknowledged changes and filtered entries, stopping at the first unacknowledged SET', () => {
    const [one, three, four] = pending;
    // seq 1 and one of the two SETs of seq 3 acknowledged, and seq 4: stops at 3, keeps 3's and 4's acks.
    const sut = advance(0, entries, pending, new Set([one.jtis[0], three.jtis[0], four.jtis[0], 'unknown']));
    expect(sut).toEqual({
      position: 2,
      acknowledged: [three.jtis[0], four.jtis[0]],
      acknowledgedSeqs: [1],
    });
    // The second SET of 3 arrives: everything goes.
    const all = advance(
      2,
      entries.slice(2),
      pendingChanges(subscription, entries.slice(2)),
      new Set([...sut.acknowledged, three.jtis[1]]),
    );
    expect(all).toEqual({ position: 4, acknowledged: [], acknowledgedSeqs: [3, 4] });
  });

  it('moves over leading entries without SETs even when nothing is acknowledged', () => {
    const adminFirst = [entry(5, 'admin'), entry(6)];
    expect(advance(4, adminFirst, pendingChanges(subscription, adminFirst), new Set())).toEqual({
      position: 5,
      acknowledged: [],
      acknowledgedSeqs: [],
    });
  });

  it('never moves over a gap (retention removed entries)', () => {
    expect(advance(0, [entry(3)], pendingChanges(subscription, [entry(3)]), new Set()).position).toBe(0);
  });
});
