import { Logger } from '@nestjs/common';
import { ScimError } from '../scim/errors';
import type { StoreAdapters } from './store-query.util';

/** Retry-After of a write refused because the store cannot write (seconds). */
export const STORAGE_RETRY_AFTER_SECONDS = 30;

/**
 * Why the store cannot write, in words a client and an operator understand (with the error code), or undefined
 * when `error` is not a storage failure. One per adapter: SQLite (embedded) and the MongoDB driver.
 */
export type StorageFailureClassifier = (error: unknown) => string | undefined;

/** Node's file-system errors that mean "cannot write here now", shared by every adapter that writes files. */
export function fileSystemFailure(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `the disk is full (${code})`;
    case 'EROFS':
      return `the data files are read-only (${code})`;
    case 'EIO':
      return `an I/O error on the data files (${code})`;
    default:
      return undefined;
  }
}

/**
 * 503 with Retry-After (RFC 9110 §15.6.4): the store is out of space, read-only or failing I/O. Nothing was
 * written; the same request may succeed later or on another replica (readiness fails meanwhile).
 */
export class StorageUnavailableError extends ScimError {
  constructor(
    readonly reason: string,
    override readonly cause?: unknown,
  ) {
    super(
      503,
      undefined,
      `Service unavailable: the store cannot write (${reason}); nothing was changed, retry after ${STORAGE_RETRY_AFTER_SECONDS} seconds`,
      { 'Retry-After': String(STORAGE_RETRY_AFTER_SECONDS) },
    );
    this.name = 'StorageUnavailableError';
  }
}

/**
 * Whether the store has failed to write for a storage reason since its last successful probe write: set by
 * the first such failure, cleared by the store's StoreHealth when a probe write succeeds again (the readiness
 * probe runs one while the condition is set), so readiness fails while the store cannot write and recovers by
 * itself. Each change is logged once.
 */
export class StorageCondition {
  private current?: { reason: string; since: Date };

  constructor(private readonly logger: Pick<Logger, 'error' | 'log'> = new Logger('Store')) {}

  /** The reason the store cannot write, or undefined when it can (as far as it knows). */
  get failure(): string | undefined {
    return this.current?.reason;
  }

  fail(reason: string): void {
    if (this.current) return;
    this.current = { reason, since: new Date() };
    this.logger.error(
      `The store cannot write: ${reason}. Writes answer 503 and readiness fails until it can`,
    );
  }

  recover(): void {
    if (!this.current) return;
    const seconds = Math.round((Date.now() - this.current.since.getTime()) / 1000);
    this.current = undefined;
    this.logger.log(`The store can write again (after ${seconds} s)`);
  }
}

/**
 * `adapter` with every method's storage failures (thrown or rejected) turned into StorageUnavailableError, and
 * `condition` set. Other errors pass unchanged. Methods run on the adapter itself, not on the proxy.
 */
export function guardStorage<T extends object>(
  adapter: T,
  classify: StorageFailureClassifier,
  condition: StorageCondition,
): T {
  const translate = (error: unknown): unknown => {
    if (error instanceof ScimError) return error;
    const reason = classify(error) ?? fileSystemFailure(error);
    if (reason === undefined) return error;
    condition.fail(reason);
    return new StorageUnavailableError(reason, error);
  };
  const wrapped = new WeakMap<object, unknown>();
  return new Proxy(adapter, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      // Methods of the adapter's class only: a function set on the instance (a test's jest.spyOn) is its own.
      if (typeof value !== 'function' || property === 'constructor' || Object.hasOwn(target, property)) {
        return value;
      }
      let wrapper = wrapped.get(value);
      if (wrapper === undefined) {
        wrapper = (...args: unknown[]) => {
          let result: unknown;
          try {
            result = (value as (...a: unknown[]) => unknown).apply(target, args);
          } catch (error) {
            throw translate(error);
          }
          if (result instanceof Promise) {
            return result.catch((error: unknown) => {
              throw translate(error);
            });
          }
          return result;
        };
        wrapped.set(value, wrapper);
      }
      return wrapper;
    },
  });
}

/** Every adapter but `health` (which reports the condition) guarded with `classify`. */
export function guardAdapters(
  adapters: StoreAdapters,
  classify: StorageFailureClassifier,
  condition: StorageCondition,
): StoreAdapters {
  const guard = <T extends object>(adapter: T): T => guardStorage(adapter, classify, condition);
  return {
    resources: guard(adapters.resources),
    memberships: guard(adapters.memberships),
    tenants: guard(adapters.tenants),
    staticTokens: guard(adapters.staticTokens),
    oauthClients: guard(adapters.oauthClients),
    health: adapters.health,
    journal: guard(adapters.journal),
    secrets: guard(adapters.secrets),
    subscriptions: guard(adapters.subscriptions),
  };
}
