import { Injectable } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { FastifyRequest } from 'fastify';
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

/** The window of AUTH_FAILURE_LIMIT_PER_MINUTE. */
export const AUTH_FAILURE_WINDOW_MS = 60_000;

/** Why authentication failed, as logged (never the credential itself). */
export type AuthFailureReason = 'no credentials' | 'invalid credentials';

/**
 * Throttles guessing of credentials per client address: after AUTH_FAILURE_LIMIT_PER_MINUTE failed
 * authentications within a minute (counted from the first one), the address gets 429 on every authenticated
 * route — with a correct token too — until that minute is over. Refusing correct tokens as well is the point:
 * otherwise the 429 would tell a guesser which guess was right. A legitimate client behind the same address
 * waits at most a minute, and a correctly configured client never fails authentication.
 *
 * The address is Fastify's `request.ip`, which honours X-Forwarded-For (trustProxy, app.factory.ts): correct
 * behind an ingress; a client reaching the server directly could vary it. IPv6 addresses count per /64.
 * Each failure is logged as a warning with address, route and reason — never the credential.
 *
 * Used by BearerAuthGuard; any other authentication endpoint (e.g. an OAuth token endpoint) can use it too.
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

  /** 429 with Retry-After when the client address has used up its failures of the current minute. */
  async assertNotBlocked(request: FastifyRequest): Promise<void> {
    const limit = this.config.authFailureLimitPerMinute;
    if (limit <= 0) return;
    const { count, resetMs } = await this.storage.failures(keyOf(request));
    if (count < limit) return;
    this.refused.inc({ reason: 'auth_failures' satisfies RateLimitReason });
    const seconds = Math.max(1, Math.ceil(resetMs / 1000));
    throw ScimError.tooManyRequests(
      `Too many failed authentication attempts from this address (at most ${limit} per minute); ` +
        `retry after ${seconds} second${seconds === 1 ? '' : 's'}`,
      seconds,
    );
  }

  /** Logs the failure and counts it against the client address. */
  async recordFailure(request: FastifyRequest, reason: AuthFailureReason): Promise<void> {
    const fields = { ip: request.ip, route: routeTemplate(request), reason };
    request.log.warn(fields, 'authentication failed');
    this.failures.inc({ reason: reason.replace(' ', '_') });
    const limit = this.config.authFailureLimitPerMinute;
    if (limit <= 0) return;
    const { count, resetMs } = await this.storage.recordFailure(keyOf(request), AUTH_FAILURE_WINDOW_MS);
    if (count === limit) {
      this.blocks.inc();
      request.log.warn(
        { ip: request.ip, failures: count, blockedSeconds: Math.ceil(resetMs / 1000) },
        'client address blocked after repeated authentication failures',
      );
    }
  }
}

function keyOf(request: FastifyRequest): string {
  return `authfail:${normalizeIp(request.ip)}`;
}
