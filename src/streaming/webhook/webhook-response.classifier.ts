import type { DeliveryOutcome } from '../delivery/push-transport';

/** HTTP-date or delay-seconds (RFC 9110 §10.2.3) → milliseconds from `now`; undefined when unusable. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** 4xx answers that may well succeed later (RFC 9110 §15.5.9 408, §15.5.10 409, RFC 8470 425, RFC 6585 429). */
const RETRYABLE_CLIENT_ERRORS = new Set([408, 409, 425, 429]);

/**
 * What a webhook answer means for delivery (issue "Streaming", Transports): any 2xx acknowledges; 410 Gone
 * pauses the subscription; 429, 5xx, 408 (and 409/425) are retried, honouring Retry-After; any other 4xx will
 * never succeed as sent and is dead-lettered. A 3xx is a failure (redirects are not followed: the consumer
 * must be configured with its final URL) and is retried, so that fixing the URL loses nothing.
 */
export function classifyResponse(
  status: number,
  retryAfter: string | null | undefined,
  now: number = Date.now(),
): DeliveryOutcome {
  if (status >= 200 && status < 300) return { kind: 'acknowledged', status };
  if (status === 410) return { kind: 'gone', status, detail: 'the consumer answered 410 Gone' };
  if (status >= 400 && status < 500 && !RETRYABLE_CLIENT_ERRORS.has(status)) {
    return { kind: 'reject', status, detail: `the consumer answered HTTP ${status}` };
  }
  const detail =
    status >= 300 && status < 400
      ? `the consumer answered HTTP ${status} (redirects are not followed)`
      : `the consumer answered HTTP ${status}`;
  const outcome: DeliveryOutcome = { kind: 'retry', status, detail };
  const retryAfterMs = parseRetryAfter(retryAfter, now);
  if (retryAfterMs !== undefined) outcome.retryAfterMs = retryAfterMs;
  return outcome;
}

/** A failure without an answer: timeout, refused or reset connection, DNS failure. Always worth retrying. */
export function classifyError(error: unknown, timeoutMs: number): DeliveryOutcome {
  const name = (error as { name?: string })?.name;
  if (name === 'TimeoutError') return { kind: 'retry', detail: `no answer within ${timeoutMs} ms (timeout)` };
  // fetch (SET push) wraps the system error in `cause`; node:http (webhooks) throws it as it is.
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = (error as { code?: string })?.code;
  const reason = cause?.code ?? code ?? cause?.message ?? (error as Error)?.message ?? String(error);
  return { kind: 'retry', detail: `connection failed: ${reason}` };
}
