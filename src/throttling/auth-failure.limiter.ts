import { Injectable } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { Counter } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { routeTemplate } from '../http/route-template';
import { ScimError } from '../scim/errors';
import {
  AUTH_FAILURE_BLOCKS_TOTAL,
  AUTH_FAILURES_TOTAL,
  RATE_LIMITED_TOTAL,
  RateLimitReason,
} from './rate-limit.metrics';
import { RateLimitStorage } from './rate-limit.storage';

/** The window of AUTH_FAILURE_LIMIT_PER_MINUTE and AUTH_FAILURE_CREDENTIALS_PER_MINUTE. */
export const AUTH_FAILURE_WINDOW_MS = 60_000;

/** Why authentication failed, as logged (never the credential itself). */
export type AuthFailureReason = 'no credentials' | 'invalid credentials';

/**
 * What the client presented as its credential, exactly as sent (the Authorization header; at the token endpoint
 * also the client_id and client_secret of the body); undefined when it presented nothing. Only a hash of it is
 * ever kept, as part of a counter key.
 */
export type PresentedCredential = string | undefined;

/**
 * Throttles failed authentications per client address AND presented credential: after
 * AUTH_FAILURE_LIMIT_PER_MINUTE failures of one credential from one address within a minute (counted from the
 * first), that credential gets 429 from that address until the minute is over, without being checked again.
 * Any other credential from the same address is unaffected: Entra calls from shared Azure addresses, and one
 * customer who pasted a wrong token must not stall every other customer's provisioning (nor the admin token).
 *
 * Spraying many different bad credentials from one address is bounded by AUTH_FAILURE_CREDENTIALS_PER_MINUTE,
 * a much higher ceiling on distinct failing credentials per address and minute: above it every further failing
 * credential from the address is answered 429 instead of 401 and no longer counted on its own (the state per
 * address stays bounded). A valid credential is still checked and admitted: tokens are 256-bit random, so
 * guessing is not the threat, and refusing valid credentials would let anyone behind a shared address lock out
 * everybody else.
 *
 * The address is Fastify's `request.ip`, which honours X-Forwarded-For from trusted proxies only (TRUST_PROXY,
 * app.factory.ts). IPv6 addresses count per /64. Each failure is logged as a warning with address, route and
 * reason — never the credential. Used by BearerAuthGuard, AdminGuard and the OAuth token endpoint.
 */
@Injectable()
export class AuthFailureLimiter {
  constructor(
    private readonly config: AppConfig,
    private readonly storage: RateLimitStorage,
    @InjectMetric(RATE_LIMITED_TOTAL) private readonly refused: Counter<'reason'>,
    @InjectMetric(AUTH_FAILURES_TOTAL) private readonly failures: Counter<'reason'>,
    @InjectMetric(AUTH_FAILURE_BLOCKS_TOTAL) private readonly blocks: Counter,
  ) {
    for (const reason of ['no_credentials', 'invalid_credentials']) this.failures.inc({ reason }, 0);
    this.blocks.inc(0);
  }

  /** 429 with Retry-After when this credential has used up its failures from this address in the current minute. */
  async assertNotBlocked(request: FastifyRequest, credential: PresentedCredential): Promise<void> {
    const limit = this.config.authFailureLimitPerMinute;
    if (limit <= 0 || !this.storage.mayHaveFailures()) return;
    const { count, resetMs } = await this.storage.failures(credentialKey(request, credential));
    if (count < limit) return;
    throw this.refuse(
      `Too many failed authentication attempts with this credential from this address (at most ${limit} per minute)`,
      resetMs,
    );
  }

  /**
   * Logs the failure and counts it against the address and credential. Returns the 429 to answer instead of
   * the 401 when the address is over its ceiling of distinct failing credentials, undefined otherwise.
   */
  async recordFailure(
    request: FastifyRequest,
    credential: PresentedCredential,
    reason: AuthFailureReason,
  ): Promise<ScimError | undefined> {
    request.log.warn({ ip: request.ip, route: routeTemplate(request), reason }, 'authentication failed');
    this.failures.inc({ reason: reason.replace(' ', '_') });
    const limit = this.config.authFailureLimitPerMinute;
    if (limit <= 0) return undefined;
    const key = credentialKey(request, credential);
    const ceiling = this.config.authFailureCredentialsPerMinute;
    if (ceiling > 0) {
      const [pair, distinct] = await Promise.all([
        this.storage.failures(key),
        this.storage.failures(addressKey(request)),
      ]);
      // A credential already counted keeps being counted; a new one is refused once the address is over.
      if (pair.count === 0 && distinct.count >= ceiling) {
        return this.refuse(
          `Too many different failing credentials from this address (at most ${ceiling} per minute)`,
          distinct.resetMs,
        );
      }
    }
    const { count, resetMs } = await this.storage.recordFailure(key, AUTH_FAILURE_WINDOW_MS);
    if (count === 1 && ceiling > 0) {
      const distinct = await this.storage.recordFailure(addressKey(request), AUTH_FAILURE_WINDOW_MS);
      if (distinct.count === ceiling) {
        this.blocks.inc();
        request.log.warn(
          { ip: request.ip, credentials: distinct.count, blockedSeconds: Math.ceil(distinct.resetMs / 1000) },
          'client address refused after too many different failing credentials',
        );
      }
    }
    if (count === limit) {
      this.blocks.inc();
      request.log.warn(
        { ip: request.ip, failures: count, blockedSeconds: Math.ceil(resetMs / 1000) },
        'credential blocked for this client address after repeated authentication failures',
      );
    }
    return undefined;
  }

  private refuse(what: string, resetMs: number): ScimError {
    this.refused.inc({ reason: 'auth_failures' satisfies RateLimitReason });
    const seconds = Math.max(1, Math.ceil(resetMs / 1000));
    return ScimError.tooManyRequests(
      `${what}; retry after ${seconds} second${seconds === 1 ? '' : 's'}`,
      seconds,
    );
  }
}

function addressKey(request: FastifyRequest): string {
  return `authfail:${normalizeIp(request.ip)}`;
}

/** The address and a hash of the credential (128 bits of SHA-256: a key, not a stored verifier). */
function credentialKey(request: FastifyRequest, credential: PresentedCredential): string {
  const digest =
    credential === undefined
      ? 'none'
      : createHash('sha256').update(credential, 'utf8').digest('base64url').slice(0, 22);
  return `${addressKey(request)}:${digest}`;
}
