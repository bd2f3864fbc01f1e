import { FlushObservation, GroupSync } from './group-sync';

/** A flush the test ends by hand, recording which writes had happened when each flush started. */
function controlledFlush() {
  const started: number[][] = [];
  const pending: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  let written: number[] = [];
  return {
    started,
    write(n: number) {
      written = [...written, n];
    },
    flush: () =>
      new Promise<void>((resolve, reject) => {
        started.push(written);
        pending.push({ resolve, reject });
      }),
    end(index: number, error?: Error) {
      if (error) pending[index].reject(error);
      else pending[index].resolve();
    },
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe(GroupSync.name, () => {
  it('makes every commit of one event-loop turn share one flush', async () => {
    const io = controlledFlush();
    const sut = new GroupSync(io.flush);
    const done: number[] = [];
    for (const n of [1, 2, 3]) {
      io.write(n);
      void sut.sync().then(() => done.push(n));
    }
    await turn();
    expect(io.started).toEqual([[1, 2, 3]]);
    io.end(0);
    await turn();
    expect(done).toEqual([1, 2, 3]);
    expect(sut.flushes).toBe(1);
  });

  it('never resolves a commit by a flush that started before it; the next flush covers it', async () => {
    const io = controlledFlush();
    const sut = new GroupSync(io.flush);
    const done: number[] = [];
    io.write(1);
    void sut.sync().then(() => done.push(1));
    await turn();
    io.write(2); // while flush 0 runs
    void sut.sync().then(() => done.push(2));
    io.write(3);
    void sut.sync().then(() => done.push(3));
    io.end(0);
    await turn();
    expect(done).toEqual([1]);
    expect(io.started).toEqual([[1], [1, 2, 3]]);
    io.end(1);
    await turn();
    expect(done).toEqual([1, 2, 3]);
    expect(sut.busy).toBe(false);
  });

  it('rejects exactly the commits a failed flush was to cover, and flushes afresh for later ones', async () => {
    const io = controlledFlush();
    const sut = new GroupSync(io.flush);
    io.write(1);
    const first = sut.sync();
    await turn();
    io.write(2);
    const second = sut.sync();
    io.end(0, Object.assign(new Error('EIO'), { code: 'SQLITE_IOERR_FSYNC' }));
    await expect(first).rejects.toMatchObject({ code: 'SQLITE_IOERR_FSYNC' });
    await turn();
    io.end(1);
    await expect(second).resolves.toBeUndefined();
  });

  it('tells the observer of each successful flush how many commits it made durable and how long it took', async () => {
    const io = controlledFlush();
    const observed: FlushObservation[] = [];
    const sut = new GroupSync(io.flush, (flushed) => observed.push(flushed));
    const first = [sut.sync(), sut.sync(), sut.sync()];
    await turn();
    const failed = sut.sync(); // while flush 0 runs: flush 1, which fails
    io.end(0);
    await Promise.all(first);
    expect(observed).toEqual([{ commits: 3, seconds: expect.any(Number) }]);
    expect(observed[0].seconds).toBeGreaterThanOrEqual(0);
    io.end(1, new Error('EIO'));
    await expect(failed).rejects.toThrow('EIO');
    await turn();
    const last = sut.sync();
    await turn();
    io.end(2);
    await last;
    // The failed flush made nothing durable: not observed.
    expect(observed.map((o) => o.commits)).toEqual([3, 1]);
  });

  it('keeps the commits acknowledged and goes on flushing when the observer throws', async () => {
    const io = controlledFlush();
    const sut = new GroupSync(io.flush, () => {
      throw new Error('observer bug');
    });
    const first = sut.sync();
    await turn();
    io.end(0);
    await expect(first).resolves.toBeUndefined();
    const second = sut.sync();
    await turn();
    io.end(1);
    await expect(second).resolves.toBeUndefined();
    expect(sut.flushes).toBe(2);
  });

  it('is idle after the last flush and starts again on the next commit', async () => {
    const io = controlledFlush();
    const sut = new GroupSync(io.flush);
    const first = sut.sync();
    await turn();
    io.end(0);
    await first;
    await turn();
    expect(sut.busy).toBe(false);
    const again = sut.sync();
    expect(sut.busy).toBe(true);
    await turn();
    io.end(1);
    await expect(again).resolves.toBeUndefined();
    expect(sut.flushes).toBe(2);
  });
});
