/**
 * The SSF 1.0 verification event (§8.1.4): a SET whose subject is the stream itself, carrying the `state` the
 * receiver sent, so that the receiver can check the stream end to end. Pure.
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
