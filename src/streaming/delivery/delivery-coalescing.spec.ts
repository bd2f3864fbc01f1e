import { DeliveryCoalescing } from './delivery-coalescing';

describe(DeliveryCoalescing.name, () => {
  let now = 1000;
  const streaming = { batchLimit: 100, pending: 1, backlog: false };
  const sut = () => new DeliveryCoalescing(2, () => now);

  beforeEach(() => (now = 1000));

  it('never waits before a first delivery', () => {
    expect(sut().waitMs(streaming)).toBe(0);
  });

  it('waits for the rest of the window after a delivery that just ended', () => {
    const coalescing = sut();
    coalescing.delivered();
    expect(coalescing.waitMs(streaming)).toBe(2);
    now += 1.5;
    expect(coalescing.waitMs(streaming)).toBe(0.5);
  });

  it('does not wait once the window has passed since the last delivery (a quiet subscription)', () => {
    const coalescing = sut();
    coalescing.delivered();
    now += 2;
    expect(coalescing.waitMs(streaming)).toBe(0);
  });

  it('does not wait when waiting could not make the delivery larger, or a backlog is there', () => {
    const coalescing = sut();
    coalescing.delivered();
    expect(coalescing.waitMs({ ...streaming, batchLimit: 1 })).toBe(0);
    expect(coalescing.waitMs({ ...streaming, pending: 0 })).toBe(0);
    expect(coalescing.waitMs({ ...streaming, pending: 100 })).toBe(0);
    expect(coalescing.waitMs({ ...streaming, backlog: true })).toBe(0);
  });

  it('does not wait after a failure or replay, nor when turned off, nor when the clock went back', () => {
    const coalescing = sut();
    coalescing.delivered();
    coalescing.forget();
    expect(coalescing.waitMs(streaming)).toBe(0);
    const off = new DeliveryCoalescing(0, () => now);
    off.delivered();
    expect(off.waitMs(streaming)).toBe(0);
    coalescing.delivered(now + 10);
    expect(coalescing.waitMs(streaming)).toBe(0);
  });
});
