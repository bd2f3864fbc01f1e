import { InMemorySubscriptionRepositoryForTests } from '../../../test/support/in-memory-subscription.repository';
import type { SubscriptionRecord } from '../subscription';
import { SsePositionRecorder } from './sse-position';

function record(overrides: Partial<SubscriptionRecord> = {}): SubscriptionRecord {
  return {
    id: 's1',
    tenantId: 't',
    name: 'n',
    delivery: { method: 'sse' },
    state: 'active',
    position: 0,
    maxRetryHours: 72,
    secrets: [],
    createdAt: '',
    updatedAt: '',
    attempts: 0,
    deadLettered: 0,
    rev: 1,
    ...overrides,
  };
}

describe(SsePositionRecorder.name, () => {
  let clock: number;
  const now = () => new Date(clock);
  beforeEach(() => (clock = Date.parse('2026-01-01T00:00:00.000Z')));

  it('persists at most once per second unless forced, bumping rev', async () => {
    const repository = new InMemorySubscriptionRepositoryForTests();
    await repository.insert(record());
    const sut = new SsePositionRecorder(repository, record(), now);
    await sut.advance(3);
    await sut.advance(5);
    expect((await repository.findById('s1'))?.position).toBe(3);
    clock += 1000;
    await sut.advance(6);
    await sut.advance(7, true);
    expect(await repository.findById('s1')).toMatchObject({
      position: 7,
      rev: 4,
      lastDeliveredAt: now().toISOString(),
    });
  });

  it('applies its position on top of a concurrent change', async () => {
    const repository = new InMemorySubscriptionRepositoryForTests();
    await repository.insert(record({ rev: 2, name: 'renamed' }));
    const sut = new SsePositionRecorder(repository, record(), now);
    await sut.advance(4, true);
    expect(await repository.findById('s1')).toMatchObject({ position: 4, name: 'renamed', rev: 3 });
    expect(sut.stillStreaming()).toBe(true);
  });

  it.each([
    ['deleted', undefined],
    ['paused', record({ rev: 2, state: 'paused' })],
  ])('says the stream must end when the subscription was %s', async (_case, current) => {
    const repository = new InMemorySubscriptionRepositoryForTests();
    if (current) await repository.insert(current);
    const sut = new SsePositionRecorder(repository, record(), now);
    await sut.advance(4, true);
    expect(sut.stillStreaming()).toBe(false);
  });
});
