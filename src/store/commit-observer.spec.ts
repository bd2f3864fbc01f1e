import { CommitEvents, CommitObservation, ObservedResourceRepository } from './commit-observer';
import { CommitResult, ResourceRepository, WriteUnit } from './ports';

/** The adapter below the wrapper: answers what the test says. */
class ScriptedRepository extends ResourceRepository {
  commits: WriteUnit[] = [];
  constructor(private readonly answer: () => Promise<CommitResult>) {
    super();
  }
  findById = jest.fn(async () => null);
  find = jest.fn(async () => ({ totalResults: 7, resources: [] }));
  existingIds = jest.fn(async () => new Set(['a']));
  commit(_tenantId: string, unit: WriteUnit): Promise<CommitResult> {
    this.commits.push(unit);
    return this.answer();
  }
}

const UNIT: WriteUnit = { delete: { resourceType: 'User', id: 'u1' }, journal: [] };

function clock(...ticks: bigint[]): () => bigint {
  return () => ticks.shift() ?? 0n;
}

describe(ObservedResourceRepository.name, () => {
  it('reports an applied commit with its duration and result, after the adapter wrote it', async () => {
    const inner = new ScriptedRepository(async () => ({ applied: true, journalSeqs: [4] }));
    const events = new CommitEvents();
    const seen: CommitObservation[] = [];
    events.on((o) => seen.push(o));
    const sut = new ObservedResourceRepository(inner, events, clock(1_000_000_000n, 1_250_000_000n));

    const result = await sut.commit('t1', UNIT);

    expect(result).toEqual({ applied: true, journalSeqs: [4] });
    expect(inner.commits).toEqual([UNIT]);
    expect(seen).toEqual([{ tenantId: 't1', unit: UNIT, seconds: 0.25, result }]);
  });

  it('reports a commit that threw, and rethrows the same error', async () => {
    const failure = new Error('disk full');
    const inner = new ScriptedRepository(async () => {
      throw failure;
    });
    const events = new CommitEvents();
    const seen: CommitObservation[] = [];
    events.on((o) => seen.push(o));
    const sut = new ObservedResourceRepository(inner, events, clock(0n, 2_000_000n));

    await expect(sut.commit('t1', UNIT)).rejects.toBe(failure);

    expect(seen).toEqual([{ tenantId: 't1', unit: UNIT, seconds: 0.002, error: failure }]);
  });

  it('never lets a failing listener reach the writer', async () => {
    const inner = new ScriptedRepository(async () => ({ applied: false, journalSeqs: [] }));
    const events = new CommitEvents();
    events.on(() => {
      throw new Error('listener bug');
    });
    const later = jest.fn();
    events.on(later);

    await expect(new ObservedResourceRepository(inner, events).commit('t1', UNIT)).resolves.toEqual({
      applied: false,
      journalSeqs: [],
    });
    expect(later).toHaveBeenCalledTimes(1);
  });

  it('passes reads through unchanged', async () => {
    const inner = new ScriptedRepository(async () => ({ applied: true, journalSeqs: [] }));
    const sut = new ObservedResourceRepository(inner, new CommitEvents());

    expect(await sut.find('t1', 'User', {}, { skip: 0, limit: 0 })).toEqual({
      totalResults: 7,
      resources: [],
    });
    expect(await sut.existingIds('t1', 'User', ['a', 'b'])).toEqual(new Set(['a']));
    expect(await sut.findById('t1', 'User', 'x')).toBeNull();
    expect(inner.find).toHaveBeenCalledWith('t1', 'User', {}, { skip: 0, limit: 0 });
  });

  it('stops reporting to a listener that unsubscribed', async () => {
    const inner = new ScriptedRepository(async () => ({ applied: true, journalSeqs: [] }));
    const events = new CommitEvents();
    const listener = jest.fn();
    const off = events.on(listener);
    off();

    await new ObservedResourceRepository(inner, events).commit('t1', UNIT);

    expect(listener).not.toHaveBeenCalled();
  });
});
