import { Injectable } from '@nestjs/common';
import type { JournalEntry } from '../../store/ports';
import type { DeliveryOutcome } from '../delivery/push-transport';
import { PushTransport } from '../delivery/push-transport';
import type { StreamEvent } from '../stream-event';
import type { SubscriptionRecord } from '../subscription';
import { SubscriptionSecrets } from '../subscription-secrets';
import { classifyError } from '../webhook/webhook-response.classifier';
import { WebhookUrlPolicy } from '../webhook/webhook-url.policy';
import { SET_MEDIA_TYPE } from './scim-events';
import { classifySetResponse } from './set-push.classifier';
import { SetMinter } from './set-minter';

export const SET_PUSH_USER_AGENT = 'scim-stream-sets/1';
export const DEFAULT_PUSH_TIMEOUT_MS = 10_000;

/**
 * RFC 8935 push of Security Event Tokens: each SET of the event (usually one; two when a change is two
 * events, e.g. a PATCH that deactivates) is POSTed on its own as `application/secevent+jwt`, in order, with
 * the subscription's Authorization header when it has one. The deliverer (SubscriptionWorker) owns order,
 * retries and dead letters as for webhooks; a retry sends the same SETs again (same jti, freshly signed).
 * The URL is checked against WEBHOOK_ALLOWED_HOSTS before every attempt, and redirects are not followed.
 */
@Injectable()
export class SetPushTransport extends PushTransport {
  readonly method = 'push' as const;

  constructor(
    private readonly minter: SetMinter,
    private readonly secrets: SubscriptionSecrets,
    private readonly urls: WebhookUrlPolicy,
  ) {
    super();
  }

  async deliver(
    subscription: SubscriptionRecord,
    _events: readonly StreamEvent[],
    signal: AbortSignal,
    entries: readonly JournalEntry[],
  ): Promise<DeliveryOutcome> {
    const delivery = subscription.delivery;
    if (delivery.method !== 'push') throw new Error(`not a push subscription: ${subscription.id}`);
    const refused = this.urls.problem(delivery.url);
    if (refused) return { kind: 'gone', detail: refused };
    if (this.minter.issuer() === undefined) {
      return { kind: 'gone', detail: 'no SET issuer: set SET_ISSUER or BASE_URL' };
    }
    const sets = await this.minter.mint(subscription, entries);
    let outcome: DeliveryOutcome = { kind: 'acknowledged' };
    for (const set of sets) {
      outcome = await this.post(subscription, set.jws, signal);
      if (outcome.kind !== 'acknowledged') {
        return { ...outcome, detail: `${outcome.detail} [jti ${set.jti}]` } as DeliveryOutcome;
      }
    }
    return outcome;
  }

  /** One RFC 8935 request with one SET, classified (also used for the SSF verification SET). */
  async post(subscription: SubscriptionRecord, jws: string, signal: AbortSignal): Promise<DeliveryOutcome> {
    const delivery = subscription.delivery;
    if (delivery.method !== 'push') throw new Error(`not a push subscription: ${subscription.id}`);
    const refused = this.urls.problem(delivery.url);
    if (refused) return { kind: 'gone', detail: refused };
    const [authorization] = await this.secrets.signingSecrets(subscription);
    const timeoutMs = delivery.timeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': SET_MEDIA_TYPE,
          accept: 'application/json',
          'user-agent': SET_PUSH_USER_AGENT,
          ...(authorization !== undefined ? { authorization } : {}),
        },
        body: jws,
        redirect: 'manual',
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
      const body = response.status === 400 ? await response.text().catch(() => '') : '';
      if (response.status !== 400) await response.body?.cancel().catch(() => undefined);
      return classifySetResponse(response.status, body, response.headers.get('retry-after'));
    } catch (error) {
      return classifyError(error, timeoutMs);
    }
  }
}
