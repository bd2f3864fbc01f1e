import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import type { Writable } from 'node:stream';
import { AppConfig } from '../../config/app-config';
import { ScimError } from '../../scim/errors';
import { JournalRepository } from '../../store/ports';
import { SubscriptionRepository } from '../../store/subscription.port';
import { JournalNotifier } from '../journal-notifier';
import type { SubscriptionRecord } from '../subscription';
import { bearerToken, consumerTokenMatches } from './sse-consumer-auth';
import { SsePositionRecorder } from './sse-position';
import { SseStream } from './sse-stream';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="scim-stream-events"' };

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
  async authorize(subscriptionId: string, authorization: string | undefined): Promise<SubscriptionRecord> {
    const token = bearerToken(authorization);
    if (token === undefined) {
      throw new ScimError(
        401,
        undefined,
        'A consumer token is required: Authorization: Bearer <token>',
        CHALLENGE,
      );
    }
    const subscription = await this.subscriptions.findById(subscriptionId);
    if (!subscription) throw ScimError.notFound(`Subscription ${JSON.stringify(subscriptionId)} not found`);
    if (!consumerTokenMatches(subscription, token, new Date())) {
      throw new ScimError(401, undefined, 'The consumer token is not valid for this subscription', CHALLENGE);
    }
    if (subscription.delivery.method !== 'sse') {
      throw ScimError.conflict(
        `Subscription ${JSON.stringify(subscriptionId)} delivers by ${subscription.delivery.method}, not sse`,
      );
    }
    if (subscription.state !== 'active') {
      const reason = subscription.stateReason ? ` (${subscription.stateReason})` : '';
      throw ScimError.conflict(
        `Subscription ${JSON.stringify(subscriptionId)} is ${subscription.state}${reason}: resume or replay it`,
      );
    }
    return subscription;
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
