import { Injectable } from '@nestjs/common';
import type { DeliveryOutcome } from '../delivery/push-transport';
import { PushTransport } from '../delivery/push-transport';
import { StreamEvent, streamEventJson } from '../stream-event';
import type { SubscriptionRecord } from '../subscription';
import { SubscriptionSecrets } from '../subscription-secrets';
import { classifyError, classifyResponse } from './webhook-response.classifier';
import { postWebhook } from './webhook-post';
import { signWebhook } from './webhook-signer';
import { WebhookUrlPolicy } from './webhook-url.policy';

/** Per-attempt timeout when the subscription sets none (issue "Streaming": default 10 s). */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
export const WEBHOOK_USER_AGENT = 'scim-stream-webhooks/1';

/**
 * One webhook attempt (issue "Streaming", Transports): the event (or `{"events": [...]}` when the
 * subscription batches) as JSON, signed per Standard Webhooks over the exact bytes sent, POSTed with node:http
 * (./webhook-post.ts). Redirects are not followed (a 3xx is a failure), each attempt has a timeout,
 * and the URL is checked against WEBHOOK_ALLOWED_HOSTS again before every attempt. `webhook-id` is the id of
 * the (last) event, so a retry carries the same id and a consumer can deduplicate.
 */
@Injectable()
export class WebhookTransport extends PushTransport {
  readonly method = 'webhook' as const;

  constructor(
    private readonly secrets: SubscriptionSecrets,
    private readonly urls: WebhookUrlPolicy,
  ) {
    super();
  }

  async deliver(
    subscription: SubscriptionRecord,
    events: readonly StreamEvent[],
    signal: AbortSignal,
  ): Promise<DeliveryOutcome> {
    const delivery = subscription.delivery;
    if (delivery.method !== 'webhook') throw new Error(`not a webhook subscription: ${subscription.id}`);
    if (events.length === 0) throw new Error('nothing to deliver');
    const refused = this.urls.problem(delivery.url);
    // The URL became unacceptable (allow-list changed): pause instead of sending or dead-lettering everything.
    if (refused) return { kind: 'gone', detail: refused };
    const body = webhookBody(events, (delivery.maxBatchSize ?? 1) > 1);
    const secrets = await this.secrets.signingSecrets(subscription);
    if (secrets.length === 0) return { kind: 'gone', detail: 'the subscription has no live signing secret' };
    const timeoutMs = delivery.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
    const headers = {
      ...signWebhook(secrets, events[events.length - 1].id, new Date(), body),
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
    };
    try {
      const answer = await postWebhook(delivery.url, headers, body, timeoutMs, signal);
      return classifyResponse(answer.status, answer.retryAfter);
    } catch (error) {
      return classifyError(error, timeoutMs);
    }
  }
}

/** The event, or `{"events": [...]}` when the subscription batches: the bytes JSON.stringify would make. */
function webhookBody(events: readonly StreamEvent[], batched: boolean): string {
  return batched ? `{"events":[${events.map(streamEventJson).join(',')}]}` : streamEventJson(events[0]);
}
