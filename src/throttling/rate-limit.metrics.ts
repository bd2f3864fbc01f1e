import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

/** Requests answered 429, by reason: `rate_limit` (per credential) or `auth_failures` (per client address). */
export const RATE_LIMITED_TOTAL = 'scim_rate_limited_total';
/** Rate-limit checks that could not be made (Redis unreachable or slow) and were let through (fail open). */
export const RATE_LIMIT_STORAGE_ERRORS_TOTAL = 'scim_rate_limit_storage_errors_total';

export type RateLimitReason = 'rate_limit' | 'auth_failures';

export const RATE_LIMIT_METRIC_PROVIDERS = [
  makeCounterProvider({
    name: RATE_LIMITED_TOTAL,
    help: 'Requests refused with 429, by reason (rate_limit per credential, auth_failures per client address)',
    labelNames: ['reason'],
  }),
  makeCounterProvider({
    name: RATE_LIMIT_STORAGE_ERRORS_TOTAL,
    help: 'Rate-limit checks that failed (storage unreachable) and admitted the request (fail open)',
  }),
];
