import type { SubscriptionRepository } from '../../store/subscription.port';

/** How much longer than an attempt's timeout the lease must still run when the attempt starts. */
export const LEASE_MARGIN_MS = 5000;

/**
 * The delivery lease of one subscription as this replica holds it. `until` is a local, conservative estimate
 * (the clock read before the store call), so the lease in the store never ends before it. Renewed at a third
 * of leaseTtlMs, and before an attempt only when what is left would not outlive it: then for the attempt's
 * need plus a third of leaseTtlMs, so that a stream of short attempts renews every few seconds, not each time.
 */
export class DeliveryLease {
  private until = 0;

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly subscriptionId: string,
    private readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  /** Holds the lease for the loop: renews once a third of leaseTtlMs has gone. False: another replica has it. */
  hold(): Promise<boolean> {
    if (this.until - Date.now() > (this.ttlMs * 2) / 3) return Promise.resolve(true);
    return this.renew(this.ttlMs);
  }

  /** The lease must outlive the attempt, or another replica could send the next event meanwhile. */
  holdFor(attemptTimeoutMs: number): Promise<boolean> {
    const need = attemptTimeoutMs + LEASE_MARGIN_MS;
    if (this.until - Date.now() >= need) return Promise.resolve(true);
    return this.renew(Math.max(this.ttlMs, need + this.ttlMs / 3));
  }

  async release(): Promise<void> {
    this.until = 0;
    await this.subscriptions.releaseLease(this.subscriptionId, this.owner);
  }

  private async renew(ttlMs: number): Promise<boolean> {
    const askedAt = Date.now();
    const held = await this.subscriptions.acquireLease(this.subscriptionId, this.owner, ttlMs);
    this.until = held ? askedAt + ttlMs : 0;
    return held;
  }
}
