import { TenantsModule } from '../tenants/tenants.module';
import { Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { AuthFailureLimiter } from './auth-failure.limiter';
import { MemoryRateLimitStorage } from './memory-rate-limit.storage';
import { RATE_LIMIT_METRIC_PROVIDERS, RATE_LIMIT_STORAGE_ERRORS_TOTAL } from './rate-limit.metrics';
import { RateLimitStorage } from './rate-limit.storage';
import { RedisRateLimitStorage } from './redis-rate-limit.storage';
import { TenantRateLimits } from './tenant-rate-limits';

/** A Redis outage would otherwise write one error line per request. */
const ERROR_LOG_INTERVAL_MS = 30_000;

/** Logs the first error at once, then at most one line per interval with the number of errors in between. */
export function throttledErrorLog(logger: Logger, what: string, now: () => number = Date.now) {
  let lastLogged = -Infinity;
  let suppressed = 0;
  return (error: unknown): void => {
    if (now() - lastLogged < ERROR_LOG_INTERVAL_MS) {
      suppressed++;
      return;
    }
    const more = suppressed > 0 ? ` (${suppressed} more since the last report)` : '';
    logger.error(`${what}: ${error instanceof Error ? error.message : String(error)}${more}`);
    lastLogged = now();
    suppressed = 0;
  };
}

async function createStorage(config: AppConfig, errors: Counter): Promise<RateLimitStorage> {
  if (!config.redisUrl) return new MemoryRateLimitStorage();
  const logger = new Logger('RateLimit');
  const client = RedisRateLimitStorage.createClient(config.redisUrl);
  // Without a listener ioredis prints every reconnection error to stderr, outside the JSON log.
  client.on('error', throttledErrorLog(logger, 'Redis connection error; rate limits are not enforced'));
  try {
    await client.connect();
    logger.log('Rate-limit counters are kept in Redis');
  } catch {
    // Logged by the error listener; ioredis keeps reconnecting in the background.
  }
  const report = throttledErrorLog(logger, 'Rate-limit check failed, request admitted (fail open)');
  return new RedisRateLimitStorage(client, (error) => {
    errors.inc();
    report(error);
  });
}

/** The storage and the metrics, apart so that ThrottlerModule.forRootAsync can import them. */
@Module({
  exports: [RateLimitStorage, ...RATE_LIMIT_METRIC_PROVIDERS],
  providers: [
    ...RATE_LIMIT_METRIC_PROVIDERS,
    {
      provide: RateLimitStorage,
      inject: [AppConfig, getToken(RATE_LIMIT_STORAGE_ERRORS_TOTAL)],
      useFactory: createStorage,
    },
  ],
})
export class RateLimitStorageModule {}

/**
 * Rate limits (per credential, per tenant) and the failed-authentication throttle (per client address), on
 * one storage: memory, or Redis when REDIS_URL is set. The guard (TenantThrottlerGuard) is registered in
 * AppModule right after BearerAuthGuard, because global guards run in the order they are registered.
 */
@Module({
  exports: [AuthFailureLimiter, RateLimitStorageModule, TenantRateLimits],
  imports: [
    TenantsModule,
    RateLimitStorageModule,
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [AppConfig, RateLimitStorage],
      useFactory: (config: AppConfig, storage: RateLimitStorage) => ({
        // The guard replaces limit and ttl per tenant; these are the server defaults.
        throttlers: [
          {
            name: 'default',
            limit: config.rateLimitBurst,
            ttl: (config.rateLimitBurst * 1000) / Math.max(1, config.rateLimitPerSecond),
          },
        ],
        setHeaders: false,
        storage,
      }),
    }),
  ],
  providers: [AuthFailureLimiter, TenantRateLimits],
})
export class ThrottlingModule implements OnApplicationShutdown {
  constructor(@Inject(RateLimitStorage) private readonly storage: RateLimitStorage) {}

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}
