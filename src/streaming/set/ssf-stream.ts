/**
 * OpenID Shared Signals Framework 1.0 stream configurations (§8.1.1) mapped onto the subscriptions of
 * the change stream (docs/standards-events.md): one push or poll subscription is one SSF stream. Pure.
 */
import type { SubscriptionView } from '../admin/subscription.views';
import type { SetDeliveryFormat } from '../subscription';
import { POLL_METHOD_URN, PUBLISHED_EVENT_URIS, PUSH_METHOD_URN, SCIM_EVENT_PREFIX } from './scim-events';

export const SSF_SPEC_VERSION = '1_0';

/**
 * SSF §8.1.1 `min_verification_interval`: seconds a receiver waits between two verification requests of one
 * stream; an earlier request is answered 429 with Retry-After (§8.1.4.2).
 */
export const MIN_VERIFICATION_INTERVAL_SECONDS = 30;

/** Seconds until the next verification request of a stream is allowed; 0 when it is now. */
export function verificationWait(lastVerificationAt: string | undefined, now = Date.now()): number {
  if (lastVerificationAt === undefined) return 0;
  const next = Date.parse(lastVerificationAt) + MIN_VERIFICATION_INTERVAL_SECONDS * 1000;
  return Math.max(0, Math.ceil((next - now) / 1000));
}

/** The event URIs a stream of this format carries: the format's create/patch/put, delete, (de)activate. */
export function eventsOfFormat(format: SetDeliveryFormat): string[] {
  const other = format === 'full' ? ':notice' : ':full';
  return PUBLISHED_EVENT_URIS.filter((uri) => !uri.endsWith(other));
}

/**
 * The format a receiver asks for with `events_requested`: `notice` when it requests only notice events,
 * `full` otherwise (also when it requests none: every event of the full format). Unknown URIs are ignored
 * (SSF §8.1.1: events_delivered is a subset of supported ∩ requested).
 */
export function formatOfRequest(requested: readonly string[] | undefined): SetDeliveryFormat {
  const ours = (requested ?? []).filter((uri) => uri.startsWith(SCIM_EVENT_PREFIX));
  const notice = ours.some((uri) => uri.endsWith(':notice'));
  const full = ours.some((uri) => uri.endsWith(':full'));
  return notice && !full ? 'notice' : 'full';
}

export interface SsfStreamConfiguration {
  stream_id: string;
  iss: string;
  aud: string;
  events_supported: string[];
  events_requested: string[];
  events_delivered: string[];
  delivery: { method: string; endpoint_url?: string; authorization_header?: string };
  description: string;
  min_verification_interval: number;
}

/** SSF `status` of a subscription state: active → enabled, paused → paused, expired → disabled. */
export function ssfStatus(view: Pick<SubscriptionView, 'state'>): 'enabled' | 'paused' | 'disabled' {
  if (view.state === 'active') return 'enabled';
  return view.state === 'paused' ? 'paused' : 'disabled';
}

/** SSF §8.1.2.1 stream status of a subscription, with the reason it is paused or disabled when there is one. */
export function streamStatus(view: Pick<SubscriptionView, 'id' | 'state' | 'stateReason'>): {
  stream_id: string;
  status: 'enabled' | 'paused' | 'disabled';
  reason?: string;
} {
  return {
    stream_id: view.id,
    status: ssfStatus(view),
    ...(view.stateReason ? { reason: view.stateReason } : {}),
  };
}

/** Push and poll subscriptions are SSF streams; webhook, NATS and SSE ones are not. */
export function isSsfStream(view: Pick<SubscriptionView, 'delivery'>): boolean {
  return view.delivery.method === 'push' || view.delivery.method === 'poll';
}

export function streamConfiguration(
  view: Pick<SubscriptionView, 'id' | 'name' | 'delivery'>,
  issuer: string,
  audience: string,
  pollEndpoint: string,
): SsfStreamConfiguration {
  const delivery = view.delivery;
  if (delivery.method !== 'push' && delivery.method !== 'poll')
    throw new Error(`not an SSF stream: ${view.id}`);
  const events = eventsOfFormat(delivery.format);
  return {
    stream_id: view.id,
    iss: issuer,
    aud: audience,
    events_supported: [...PUBLISHED_EVENT_URIS],
    events_requested: events,
    events_delivered: events,
    delivery:
      delivery.method === 'push'
        ? { method: PUSH_METHOD_URN, endpoint_url: delivery.url }
        : { method: POLL_METHOD_URN, endpoint_url: pollEndpoint },
    description: view.name,
    min_verification_interval: MIN_VERIFICATION_INTERVAL_SECONDS,
  };
}
