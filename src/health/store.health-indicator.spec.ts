import { HealthIndicatorService } from '@nestjs/terminus';
import { StoreHealth } from '../store/ports';
import { STORE_PING_TIMEOUT_MS, StoreHealthIndicator } from './store.health-indicator';

function store(ping: () => Promise<void>): StoreHealth {
  return { ping, close: async () => undefined } as StoreHealth;
}

describe(StoreHealthIndicator.name, () => {
  afterEach(() => jest.useRealTimers());

  it('is up when the store answers', async () => {
    const sut = new StoreHealthIndicator(
      new HealthIndicatorService(),
      store(async () => undefined),
    );

    await expect(sut.check('store')).resolves.toEqual({ store: { status: 'up' } });
  });

  it('is down with the reason when the ping fails', async () => {
    const sut = new StoreHealthIndicator(
      new HealthIndicatorService(),
      store(async () => Promise.reject(new Error('Embedded store is closed'))),
    );

    await expect(sut.check('store')).resolves.toEqual({
      store: { status: 'down', message: 'Embedded store is closed' },
    });
  });

  it('is down when the store does not answer in time', async () => {
    jest.useFakeTimers();
    const sut = new StoreHealthIndicator(
      new HealthIndicatorService(),
      store(() => new Promise<void>(() => undefined)),
    );

    const result = sut.check('store');
    await jest.advanceTimersByTimeAsync(STORE_PING_TIMEOUT_MS);

    await expect(result).resolves.toEqual({
      store: { status: 'down', message: `no answer within ${STORE_PING_TIMEOUT_MS} ms` },
    });
  });
});
