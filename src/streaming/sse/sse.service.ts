import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import type { Writable } from 'node:stream';
import { AppConfig } from '../../config/app-config';
import { JournalRepository } from '../../store/ports';
import { SubscriptionRepository } from '../../store/subscription.port';
import { JournalNotifier } from '../journal-notifier';
import type { SubscriptionRecord } from '../subscription';
import { authorizeConsumer } from './sse-consumer-auth';
import { SsePositionRecorder } from './sse-position';
import { SseStream } from './sse-stream';

/**
 * The SSE side of subscriptions: authenticates a consumer, and keeps track of open streams so that shutdown
 * ends them (app.close would otherwise wait for connections that never finish).
 */
@Injectable()
export class SseService implements BeforeApplicationShutdown {
  private readonly open = new Set<SseStream>();

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly journal: JournalRepository,
    private readonly notifier: JournalNotifier,
    private readonly config: AppConfig,
  ) {}

  /**
   * The subscription a consumer may stream, or a ScimError: 401 without a valid consumer token (checked before
   * anything is looked up, and again after, so unauthenticated callers learn nothing but 404 for unknown ids),
   * 404 unknown, 409 not an SSE subscription or not active (paused, expired: resume or replay it first).
   */
  authorize(subscriptionId: string, authorization: string | undefined): Promise<SubscriptionRecord> {
    return authorizeConsumer(this.subscriptions, subscriptionId, authorization, 'sse', 'scim-stream-events');
  }

  /** Streams the subscription's events with seq > since to `out` until the client goes or the app stops. */
  stream(subscription: SubscriptionRecord, since: number, out: Writable): SseStream {
    const stream = new SseStream(out, {
      subscription,
      since,
      journal: this.journal,
      notifier: this.notifier,
      position: new SsePositionRecorder(this.subscriptions, subscription),
      heartbeatMs: this.config.sseHeartbeatSeconds * 1000,
    });
    this.open.add(stream);
    void stream.finished().finally(() => this.open.delete(stream));
    return stream;
  }

  /** Open streams (for tests and metrics). */
  openStreams(): number {
    return this.open.size;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.open].map((stream) => stream.end()));
  }
}
