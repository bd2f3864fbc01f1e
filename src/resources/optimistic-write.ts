import { ResourceDocument } from '../scim/document/resource-document';
import { ScimError } from '../scim/errors';
import { CommitResult, ResourceRepository, WriteUnit } from '../store/ports';
import { assertIfMatch } from './preconditions';

/** How often a write re-reads and retries when another writer changed the resource in between (no If-Match). */
export const MAX_WRITE_ATTEMPTS = 5;

/** What a command decided for the state it read: a unit to commit, or nothing to write (an idempotent no-op). */
export interface PlannedWrite<T> {
  unit?: WriteUnit;
  /** What the command answers once the unit committed (or at once when there is no unit). */
  result: T;
}

/**
 * One write of one resource: `load` reads its current state (undefined for a create: there is none), `build`
 * turns that state into the unit to commit. `ifMatch` is the request's If-Match header (RFC 7644 §3.14).
 */
export interface OptimisticWrite<E extends ResourceDocument | undefined, T> {
  ifMatch?: string;
  load(): Promise<E>;
  build(existing: E): Promise<PlannedWrite<T>>;
}

/**
 * Load → build → commit with compare-and-swap on `_rev` (ResourceRepository.commit), the one place that decides
 * what a lost race means:
 * - If-Match given: the client made its change against a version that is gone: 412 (RFC 7232 §3.1), whether
 *   it was stale when read (assertIfMatch) or went stale before the commit;
 * - no If-Match: the change is re-applied to the new state, at most MAX_WRITE_ATTEMPTS times, then 409.
 */
export async function writeOptimistically<E extends ResourceDocument | undefined, T>(
  resources: ResourceRepository,
  tenantId: string,
  write: OptimisticWrite<E, T>,
  /** Runs after a commit that applied (e.g. to wake the change-stream deliverers); never after a lost race. */
  onCommitted?: (result: CommitResult) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const existing = await write.load();
    if (existing !== undefined) assertIfMatch(write.ifMatch, existing.meta.version);
    const planned = await write.build(existing);
    if (planned.unit === undefined) return planned.result;
    const committed = await resources.commit(tenantId, planned.unit);
    if (committed.applied) {
      onCommitted?.(committed);
      return planned.result;
    }
    if (write.ifMatch !== undefined && write.ifMatch.trim() !== '') {
      throw ScimError.preconditionFailed(
        'The resource was changed by another request; re-read it and try again',
      );
    }
    if (attempt >= MAX_WRITE_ATTEMPTS) {
      throw ScimError.conflict('The resource is being changed by other requests; try again');
    }
  }
}
