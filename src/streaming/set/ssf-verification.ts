/**
 * The SSF 1.0 stream-level events, whose subject is the stream itself: verification (§8.1.4), carrying the
 * `state` the receiver sent so that it can check the stream end to end, and stream-updated (§8.1.5). Pure.
 */
import { randomBytes } from 'node:crypto';

export const SSF_VERIFICATION_EVENT = 'https://schemas.openid.net/secevent/ssf/event-type/verification';

export interface VerificationClaims {
  iss: string;
  aud: string;
  iat: number;
  jti: string;
  /** SSF §8.1.4: the subject of a stream-level event is the stream, `{format: "opaque", id: <stream_id>}`. */
  sub_id: { format: 'opaque'; id: string };
  events: Record<string, { state?: string }>;
}

export function newVerificationJti(): string {
  return randomBytes(16).toString('hex');
}

export function verificationClaims(
  streamId: string,
  issuer: string,
  audience: string,
  jti: string,
  state: string | undefined,
  now: Date = new Date(),
): VerificationClaims {
  return {
    iss: issuer,
    aud: audience,
    iat: Math.floor(now.getTime() / 1000),
    jti,
    sub_id: { format: 'opaque', id: streamId },
    events: { [SSF_VERIFICATION_EVENT]: state === undefined ? {} : { state } },
  };
}

/** SSF 1.0 §8.1.5: sent when a stream's status changes (enabled, paused, disabled), with the reason if any. */
export const SSF_STREAM_UPDATED_EVENT = 'https://schemas.openid.net/secevent/ssf/event-type/stream-updated';

export function streamUpdatedClaims(
  streamId: string,
  issuer: string,
  audience: string,
  update: { jti: string; status: string; reason?: string; at: string },
): VerificationClaims & { events: Record<string, { status: string; reason?: string }> } {
  return {
    iss: issuer,
    aud: audience,
    iat: Math.floor(Date.parse(update.at) / 1000),
    jti: update.jti,
    sub_id: { format: 'opaque', id: streamId },
    events: {
      [SSF_STREAM_UPDATED_EVENT]: {
        status: update.status,
        ...(update.reason !== undefined ? { reason: update.reason } : {}),
      },
    },
  };
}
