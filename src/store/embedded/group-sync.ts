/** One flush that succeeded: how many commits it made durable (callers of sync() it covered), how long it took. */
export interface FlushObservation {
  commits: number;
  seconds: number;
}

/**
 * Told of every successful flush (the embedded store's metrics, embedded-store.metrics.ts: the store itself
 * stays free of prom-client). Called after the covered commits are resolved; it must not throw.
 */
export type FlushObserver = (flushed: FlushObservation) => void;

/**
 * Group commit (issue "Performance"): many commits share one flush, and no caller is told "durable" by a flush
 * that started before its write.
 *
 * `sync()` is called right after a write reached the file (not yet durable). If no flush is running, one is
 * scheduled for the end of this event-loop turn (setImmediate), so every commit of the same turn shares it. If one
 * is running, it may have started before this write: the caller waits for the next flush, which starts when the
 * running one ends and covers every write made meanwhile. So at most two flushes exist at a time (one running, one
 * gathering), and under load each flush covers every commit of the previous flush's duration.
 *
 * A failed flush rejects exactly the callers it was meant to cover; the next flush is tried afresh.
 */
export class GroupSync {
  private running = false;
  private gathering: Deferred | undefined;

  /** Flushes run one after another; `flushed` counts them (tests, metrics). */
  flushes = 0;

  constructor(
    private readonly flush: () => Promise<void>,
    private readonly onFlushed?: FlushObserver,
  ) {}

  sync(): Promise<void> {
    if (!this.gathering) {
      this.gathering = deferred();
      if (!this.running) this.scheduleNext();
    }
    this.gathering.waiting++;
    return this.gathering.promise;
  }

  /** Whether a flush is running or waiting for one to end (close() waits for it). */
  get busy(): boolean {
    return this.running || this.gathering !== undefined;
  }

  private scheduleNext(): void {
    this.running = true;
    setImmediate(() => void this.runGathered());
  }

  private async runGathered(): Promise<void> {
    const batch = this.gathering;
    this.gathering = undefined;
    if (!batch) {
      this.running = false;
      return;
    }
    try {
      this.flushes++;
      const started = performance.now();
      await this.flush();
      const seconds = (performance.now() - started) / 1000;
      batch.resolve();
      // After resolve: should the observer throw anyway, the commits stay acknowledged and flushing goes on.
      this.onFlushed?.({ commits: batch.waiting, seconds });
    } catch (error) {
      batch.reject(error);
    }
    // Writes made while this flush ran wait in a new gathering batch: flush them now, else stop.
    if (this.gathering) void this.runGathered();
    else this.running = false;
  }
}

interface Deferred {
  promise: Promise<void>;
  /** Callers of sync() waiting for this flush. */
  waiting: number;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A caller that never awaits must not produce an unhandled rejection; callers still see the error.
  promise.catch(() => undefined);
  return { promise, waiting: 0, resolve, reject };
}
