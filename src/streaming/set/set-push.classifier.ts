import type { DeliveryOutcome } from '../delivery/push-transport';
import { parseRetryAfter } from '../webhook/webhook-response.classifier';

/**
 * The error codes of RFC 8935 §2.4 (IANA "Security Event Token Error Codes") and what each means for the
 * stream: `retry` what can succeed later without changing the SET, `reject` (dead-letter, move on) what is
 * wrong with this one SET, `gone` (pause the subscription, lose nothing) what is wrong with the stream's
 * configuration and would fail every SET alike.
 */
export const SET_ERROR_OUTCOMES: Readonly<Record<string, DeliveryOutcome['kind']>> = {
  // The SET cannot be parsed or its event does not match its definition: this SET will never be accepted.
  invalid_request: 'reject',
  // The receiver does not (yet) know our key, e.g. a JWKS cached before a rotation: fetching again fixes it.
  invalid_key: 'retry',
  // iss / aud do not suit the receiver: a configuration error of the stream, every SET would fail.
  invalid_issuer: 'gone',
  invalid_audience: 'gone',
  // Our credential (the Authorization header) was refused: it may be fixed or renewed on the receiver's side.
  authentication_failed: 'retry',
  // We may not send this SET (e.g. this subject) to this receiver: dead-letter it, keep the stream going.
  access_denied: 'reject',
};

/** HTTP statuses other than 400 that may well succeed later (as for webhooks), plus 401 (credentials). */
const RETRYABLE = new Set([401, 408, 409, 425, 429]);

/** `{"err": "...", "description": "..."}` of an RFC 8935 §2.3 error response, when the body is one. */
export function parseSetError(body: string): { err: string; description?: string } | undefined {
  try {
    const value = JSON.parse(body) as { err?: unknown; description?: unknown };
    if (typeof value?.err !== 'string') return undefined;
    return typeof value.description === 'string'
      ? { err: value.err, description: value.description }
      : { err: value.err };
  } catch {
    return undefined;
  }
}

/**
 * What an RFC 8935 receiver's answer means: 202 Accepted acknowledges (RFC 8935 §2.2; any other 2xx is
 * taken as an acknowledgement too: the receiver has the SET); a 400 with an error code is classified by
 * SET_ERROR_OUTCOMES (an unknown code is this SET's problem: dead-lettered); 401, 408, 409, 425, 429, 5xx and
 * 3xx are retried (Retry-After honoured); 403 (the stream is refused), 404 and 410 (no receiver there) pause
 * the subscription; any other 4xx is dead-lettered.
 */
export function classifySetResponse(
  status: number,
  body: string,
  retryAfter: string | null | undefined,
  now: number = Date.now(),
): DeliveryOutcome {
  if (status >= 200 && status < 300) return { kind: 'acknowledged', status };
  if (status === 400) {
    const error = parseSetError(body);
    const detail = error
      ? `the receiver refused the SET: ${error.err}${error.description ? ` (${error.description})` : ''}`
      : 'the receiver answered HTTP 400 without an RFC 8935 error';
    const kind = error ? (SET_ERROR_OUTCOMES[error.err] ?? 'reject') : 'reject';
    return withRetryAfter({ kind, status, detail } as DeliveryOutcome, retryAfter, now);
  }
  if (status === 403 || status === 404 || status === 410) {
    return { kind: 'gone', status, detail: `the receiver answered HTTP ${status}` };
  }
  if (status >= 400 && status < 500 && !RETRYABLE.has(status)) {
    return { kind: 'reject', status, detail: `the receiver answered HTTP ${status}` };
  }
  const detail =
    status >= 300 && status < 400
      ? `the receiver answered HTTP ${status} (redirects are not followed)`
      : `the receiver answered HTTP ${status}`;
  return withRetryAfter({ kind: 'retry', status, detail }, retryAfter, now);
}

function withRetryAfter(
  outcome: DeliveryOutcome,
  retryAfter: string | null | undefined,
  now: number,
): DeliveryOutcome {
  if (outcome.kind !== 'retry') return outcome;
  const retryAfterMs = parseRetryAfter(retryAfter, now);
  return retryAfterMs === undefined ? outcome : { ...outcome, retryAfterMs };
}
