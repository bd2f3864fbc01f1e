import type { DeliveryAttemptRecord } from '../../store/subscription.port';

/** Acknowledged (or filtered-out) events whose position is not saved yet, and the one attempt record for them. */
export interface UnsavedProgress {
  /** The saved position this progress continues from: an admin who moved it meanwhile wins. */
  base: number;
  position: number;
  /** Set once an event was acknowledged (not when only filtered-out entries were passed). */
  acknowledged?: {
    fromSeq: number;
    toSeq: number;
    at: string;
    status?: number;
    durationMs: number;
    deliveries: number;
  };
}

/**
 * The delivery progress between two position saves (docs/streaming.md, "Position saves"): a save costs a
 * compare-and-swap of the whole record and a durable write, so under a steady stream the worker saves at most
 * every positionSaveIntervalMs and coalesces the acknowledged attempts meanwhile into one attempt record.
 */
export class DeliveryProgress {
  private unsaved?: UnsavedProgress;
  private savedAt = Date.now();

  /** The position to deliver after: the unsaved one, else undefined (the record's). */
  get position(): number | undefined {
    return this.unsaved?.position;
  }

  /** The saved position the unsaved progress continues from. */
  get base(): number | undefined {
    return this.unsaved?.base;
  }

  acknowledged(
    base: number,
    lastSeq: number,
    attempt: { fromSeq: number; toSeq: number; at: string; status?: number; durationMs: number },
  ): void {
    const unsaved = (this.unsaved ??= { base, position: base });
    unsaved.position = lastSeq;
    const previous = unsaved.acknowledged;
    unsaved.acknowledged = {
      ...attempt,
      fromSeq: previous?.fromSeq ?? attempt.fromSeq,
      durationMs: (previous?.durationMs ?? 0) + attempt.durationMs,
      deliveries: (previous?.deliveries ?? 0) + 1,
    };
  }

  /** Only filtered-out entries up to lastSeq: the position moves over them, nothing was sent. */
  skipped(base: number, lastSeq: number): void {
    (this.unsaved ??= { base, position: base }).position = lastSeq;
  }

  /** True when a save is due: progress waits and the interval since the last save has passed. */
  due(intervalMs: number, now = Date.now()): boolean {
    return this.unsaved !== undefined && now - this.savedAt >= intervalMs;
  }

  /** How long until a save is due (0 when it is, or when nothing waits to be saved). */
  msUntilDue(intervalMs: number, now = Date.now()): number {
    return this.unsaved === undefined ? 0 : Math.max(0, this.savedAt + intervalMs - now);
  }

  /** Hands the progress over to be saved (and forgets it). */
  take(now = Date.now()): UnsavedProgress | undefined {
    const unsaved = this.unsaved;
    this.unsaved = undefined;
    if (unsaved) this.savedAt = now;
    return unsaved;
  }

  /** An admin moved the position (replay) or removed the subscription: the progress is void. */
  drop(): void {
    this.unsaved = undefined;
  }
}

/** The one attempt record of coalesced acknowledged deliveries. */
export function coalescedAttempt(
  subscriptionId: string,
  acknowledged: NonNullable<UnsavedProgress['acknowledged']>,
): DeliveryAttemptRecord {
  const { deliveries, status, ...rest } = acknowledged;
  return {
    subscriptionId,
    ...rest,
    outcome: 'acknowledged',
    ...(status !== undefined ? { status } : {}),
    ...(deliveries > 1 ? { deliveries } : {}),
  };
}
