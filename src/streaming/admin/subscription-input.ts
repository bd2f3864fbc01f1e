/**
 * Checks of the parts of a subscription request that class-validator cannot express (a union of delivery
 * methods, the known event types, startAt), each failure a 400 naming the field (issue "Streaming").
 */
import { ScimError } from '../../scim/errors';
import { ADMIN_ACTIONS } from '../admin-journal';
import { RESOURCE_EVENT_TYPES, StreamEventType } from '../stream-event';
import type { SetDeliveryFormat, SubscriptionDelivery } from '../subscription';
import type { WebhookUrlRules } from '../webhook/webhook-url.policy';

export const KNOWN_EVENT_TYPES: readonly string[] = [
  ...RESOURCE_EVENT_TYPES,
  ...ADMIN_ACTIONS.map((a) => `admin.${a}`),
];
export const KNOWN_RESOURCE_TYPES = ['User', 'Group', 'Tenant', 'Token', 'OAuthClient', 'Subscription'];
export const DELIVERY_METHODS = ['webhook', 'sse', 'nats', 'push', 'poll'] as const;
export const MAX_BATCH_SIZE = 1000;
export const MIN_TIMEOUT_MS = 100;
export const MAX_TIMEOUT_MS = 60_000;
/** NATS subjects: tokens of visible ASCII without wildcards or spaces, dot-separated. */
const NATS_SUBJECT = /^[^\s.*>]+(\.[^\s.*>]+)*$/;

export type StartAt = 'now' | 'earliest' | { seq: number };

function invalid(detail: string): ScimError {
  return ScimError.invalidValue(detail);
}

function onlyKeys(value: Record<string, unknown>, allowed: string[], where: string): void {
  const extra = Object.keys(value).filter((k) => !allowed.includes(k));
  if (extra.length > 0) {
    throw invalid(
      `${where}: unknown ${extra.length === 1 ? 'property' : 'properties'} ${extra.map((k) => JSON.stringify(k)).join(', ')} (allowed: ${allowed.join(', ')})`,
    );
  }
}

function integerIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${field} must be an integer between ${min} and ${max}`);
  }
  return value;
}

export function checkWebhookUrl(url: unknown, rules: WebhookUrlRules): string {
  if (typeof url !== 'string' || url.length === 0 || url.length > 2048) {
    throw invalid('delivery.url must be an http or https URL of at most 2048 characters');
  }
  const problem = rules.problem(url);
  if (problem) throw invalid(`delivery.${problem}`);
  return url;
}

export function checkMaxBatchSize(value: unknown): number {
  return integerIn(value, 'delivery.maxBatchSize', 1, MAX_BATCH_SIZE);
}

export function checkTimeoutMs(value: unknown): number {
  return integerIn(value, 'delivery.timeoutMs', MIN_TIMEOUT_MS, MAX_TIMEOUT_MS);
}

/** Printable ASCII (RFC 9110 §5.5 field value without obs-text), at most 4096 characters. */
const HEADER_VALUE = /^[\x20-\x7e]{1,4096}$/;

function setFormat(value: unknown): SetDeliveryFormat {
  if (value === 'full' || value === 'notice') return value;
  throw invalid(`delivery.format must be "full" or "notice" (got ${JSON.stringify(value)})`);
}

function setAudience(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  // RFC 7519 §4.1.3: a StringOrURI.
  if (typeof value !== 'string' || value.trim() === '' || value.length > 1024) {
    throw invalid('delivery.audience must be a non-empty string (a StringOrURI) of at most 1024 characters');
  }
  return value;
}

/**
 * The RFC 8935 receiver's Authorization header value of a push delivery (kept encrypted, never shown), or
 * undefined when it has none.
 */
export function parsePushAuthorization(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const value = (input as Record<string, unknown>).authorizationHeader;
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !HEADER_VALUE.test(value) || value.trim() === '') {
    throw invalid('delivery.authorizationHeader must be a header value of 1-4096 printable ASCII characters');
  }
  return value;
}

export function parseDelivery(
  input: unknown,
  rules: WebhookUrlRules,
  natsConfigured: boolean,
  setIssuerConfigured = false,
): SubscriptionDelivery {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid('delivery must be an object with a method: webhook, sse, nats, push or poll');
  }
  const value = input as Record<string, unknown>;
  switch (value.method) {
    case 'webhook': {
      onlyKeys(value, ['method', 'url', 'maxBatchSize', 'timeoutMs'], 'delivery');
      const delivery: SubscriptionDelivery = { method: 'webhook', url: checkWebhookUrl(value.url, rules) };
      if (value.maxBatchSize !== undefined) delivery.maxBatchSize = checkMaxBatchSize(value.maxBatchSize);
      if (value.timeoutMs !== undefined) delivery.timeoutMs = checkTimeoutMs(value.timeoutMs);
      return delivery;
    }
    case 'sse':
      onlyKeys(value, ['method'], 'delivery');
      return { method: 'sse' };
    case 'nats': {
      onlyKeys(value, ['method', 'subject'], 'delivery');
      if (!natsConfigured)
        throw invalid('delivery.method "nats" needs NATS_URL, which this server does not set');
      if (value.subject === undefined) return { method: 'nats' };
      if (
        typeof value.subject !== 'string' ||
        value.subject.length > 255 ||
        !NATS_SUBJECT.test(value.subject)
      ) {
        throw invalid(
          'delivery.subject must be a NATS subject without wildcards or spaces, e.g. "scim.contoso"',
        );
      }
      return { method: 'nats', subject: value.subject };
    }
    case 'push':
    case 'poll': {
      const push = value.method === 'push';
      onlyKeys(
        value,
        push
          ? ['method', 'url', 'format', 'audience', 'authorizationHeader', 'timeoutMs']
          : ['method', 'format', 'audience'],
        'delivery',
      );
      if (!setIssuerConfigured) {
        throw invalid(
          `delivery.method "${value.method}" needs the SET issuer: set SET_ISSUER or BASE_URL on this server`,
        );
      }
      const format = setFormat(value.format ?? 'full');
      const audience = setAudience(value.audience);
      if (!push) return { method: 'poll', format, ...(audience !== undefined ? { audience } : {}) };
      parsePushAuthorization(value);
      const delivery: SubscriptionDelivery = {
        method: 'push',
        url: checkWebhookUrl(value.url, rules),
        format,
      };
      if (audience !== undefined) delivery.audience = audience;
      if (value.timeoutMs !== undefined) delivery.timeoutMs = checkTimeoutMs(value.timeoutMs);
      return delivery;
    }
    default:
      throw invalid(
        `delivery.method must be one of ${DELIVERY_METHODS.join(', ')} (got ${JSON.stringify(value.method)})`,
      );
  }
}

export function parseEventTypes(types: string[] | undefined): StreamEventType[] | undefined {
  if (types === undefined) return undefined;
  const unknown = types.filter((t) => !KNOWN_EVENT_TYPES.includes(t));
  if (unknown.length > 0) {
    throw invalid(
      `eventTypes: unknown event type ${unknown.map((t) => JSON.stringify(t)).join(', ')} (known: ${KNOWN_EVENT_TYPES.join(', ')})`,
    );
  }
  return [...new Set(types)] as StreamEventType[];
}

export function parseResourceTypes(types: string[] | undefined): string[] | undefined {
  if (types === undefined) return undefined;
  const unknown = types.filter((t) => !KNOWN_RESOURCE_TYPES.includes(t));
  if (unknown.length > 0) {
    throw invalid(
      `resourceTypes: unknown resource type ${unknown.map((t) => JSON.stringify(t)).join(', ')} (known: ${KNOWN_RESOURCE_TYPES.join(', ')})`,
    );
  }
  return [...new Set(types)];
}

export function parseStartAt(input: unknown): StartAt {
  if (input === undefined || input === 'now') return 'now';
  if (input === 'earliest') return 'earliest';
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    const value = input as Record<string, unknown>;
    onlyKeys(value, ['seq'], 'startAt');
    return { seq: integerIn(value.seq, 'startAt.seq', 1, Number.MAX_SAFE_INTEGER) };
  }
  throw invalid(`startAt must be "now", "earliest" or {"seq": n} (got ${JSON.stringify(input)})`);
}
