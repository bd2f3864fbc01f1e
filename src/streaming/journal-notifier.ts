import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/**
 * Wakes the deliverers and SSE readers of this process the moment a write committed journal entries, so an
 * event leaves within milliseconds instead of at the next poll. Other replicas learn of it by polling the
 * journal (docs/architecture.md, streaming). Emitting never throws into the write path.
 */
@Injectable()
export class JournalNotifier {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every SSE connection listens: many concurrent readers are expected.
    this.emitter.setMaxListeners(0);
  }

  /**
   * Called after a commit that wrote journal entries; `lastSeq` is the highest seq written, `count` how many
   * entries the commit wrote (for scim_stream_events_appended_total).
   */
  committed(tenantId: string, lastSeq: number, count = 1): void {
    try {
      this.emitter.emit('committed', tenantId, lastSeq, count);
    } catch {
      // A listener's failure is the listener's problem, never the writer's.
    }
  }

  /** Subscribes to commits of one tenant; returns the function that unsubscribes. */
  onCommit(tenantId: string, listener: (lastSeq: number) => void): () => void {
    const handler = (tenant: string, lastSeq: number) => {
      if (tenant === tenantId) listener(lastSeq);
    };
    this.emitter.on('committed', handler);
    return () => this.emitter.off('committed', handler);
  }

  /**
   * Called after a subscription was created, changed or deleted through this replica (AdminJournal), so that the
   * deliverers start or stop it at once instead of at their next scan (other replicas: at theirs).
   */
  subscriptionsChanged(tenantId: string): void {
    try {
      this.emitter.emit('subscriptions', tenantId);
    } catch {
      // As above: never the writer's problem.
    }
  }

  /** Subscribes to subscription changes of every tenant; returns the function that unsubscribes. */
  onSubscriptionsChanged(listener: (tenantId: string) => void): () => void {
    this.emitter.on('subscriptions', listener);
    return () => this.emitter.off('subscriptions', listener);
  }

  /** Subscribes to commits of every tenant (metrics); returns the function that unsubscribes. */
  onAnyCommit(listener: (tenantId: string, lastSeq: number, count: number) => void): () => void {
    this.emitter.on('committed', listener);
    return () => this.emitter.off('committed', listener);
  }
}
