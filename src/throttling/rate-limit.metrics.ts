import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

/** Requests answered 429, by reason: `rate_limit` (per credential) or `auth_failures` (per address and credential). */
export const RATE_LIMITED_TOTAL = 'scim_rate_limited_total';
/** Rate-limit checks that could not be made (Redis unreachable or slow) and were let through (fail open). */
export const RATE_LIMIT_STORAGE_ERRORS_TOTAL = 'scim_rate_limit_storage_errors_total';

/** Requests refused with 429 by the per-credential rate limit, by tenant (tenant ids are admin-made: bounded). */
export const TENANT_RATE_LIMITED_TOTAL = 'scim_tenant_rate_limited_total';
/** Failed authentications (the requests counted towards AUTH_FAILURE_LIMIT_PER_MINUTE), by reason. */
export const AUTH_FAILURES_TOTAL = 'scim_auth_failures_total';
/**
 * Blocks of the failed-authentication throttle, one per block (not per refusal): a credential blocked for a
 * client address after AUTH_FAILURE_LIMIT_PER_MINUTE failures, or an address over
 * AUTH_FAILURE_CREDENTIALS_PER_MINUTE distinct failing credentials.
 */
export const AUTH_FAILURE_BLOCKS_TOTAL = 'scim_auth_failure_blocks_total';

export type RateLimitReason = 'rate_limit' | 'auth_failures';

export const RATE_LIMIT_METRIC_PROVIDERS = [
  makeCounterProvider({
    name: RATE_LIMITED_TOTAL,
    help: 'Requests refused with 429, by reason (rate_limit per credential, auth_failures per client address and credential)',
    labelNames: ['reason'],
  }),
  makeCounterProvider({
    name: TENANT_RATE_LIMITED_TOTAL,
    help: 'Requests refused with 429 by the per-credential rate limit, by tenant',
    labelNames: ['tenant'],
  }),
  makeCounterProvider({
    name: AUTH_FAILURES_TOTAL,
    help: 'Failed authentications counted by the failed-authentication throttle (missing or unknown credential), by reason',
    labelNames: ['reason'],
  }),
  makeCounterProvider({
    name: AUTH_FAILURE_BLOCKS_TOTAL,
    help: 'Blocks of the failed-authentication throttle: a credential blocked for a client address, or an address over its ceiling of distinct failing credentials',
  }),
  makeCounterProvider({
    name: RATE_LIMIT_STORAGE_ERRORS_TOTAL,
    help: 'Rate-limit checks that failed (storage unreachable) and admitted the request (fail open)',
  }),
];
