/**
 * Adaptive coalescing under load (docs/streaming.md, "Coalescing under load"). Under a stream of commits a
 * worker woken by each one would deliver each event on its own: one webhook request, or one NATS round of
 * publishes, and one bookkeeping step per event, on the event loop that serves SCIM. So a delivery that would
 * start less than `windowMs` after the previous one ended waits until `windowMs` has passed, and the commits of
 * that moment leave with it. A subscription that was quiet for `windowMs` waits for nothing: the wait only
 * spaces deliveries that follow each other closely, so it adds at most `windowMs` to an event's latency and
 * caps a subscription at about one delivery per `windowMs` plus its round trip, whatever the write rate.
 */
export class DeliveryCoalescing {
  private lastDeliveryEndedAt: number | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** An acknowledged delivery ended (a failure backs off instead, and replays drain at once: see forget()). */
  delivered(at = this.now()): void {
    this.lastDeliveryEndedAt = at;
  }

  /** After a failure or a replay: the next delivery is not part of a stream of short ones. */
  forget(): void {
    this.lastDeliveryEndedAt = undefined;
  }

  /**
   * How long to wait before reading the next batch: the rest of the window since the previous delivery, or 0
   * when waiting could not make the next delivery larger or is not worth it:
   * - the transport sends one event at a time (`batchLimit` 1: webhook maxBatchSize 1, SET push);
   * - nothing is known to wait (`pending` 0: no commit since; the loop goes idle at once instead);
   * - a full batch waits already, or the last read was a full page (`backlog`: a drain or a replay runs at
   *   full speed).
   */
  waitMs(situation: { batchLimit: number; pending: number; backlog: boolean }): number {
    const { batchLimit, pending, backlog } = situation;
    if (this.lastDeliveryEndedAt === undefined || this.windowMs <= 0) return 0;
    if (batchLimit <= 1 || pending <= 0 || backlog || pending >= batchLimit) return 0;
    const since = this.now() - this.lastDeliveryEndedAt;
    return since >= 0 && since < this.windowMs ? this.windowMs - since : 0;
  }
}
