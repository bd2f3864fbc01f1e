import { CommitResult, FindOptions, FindResult, QueryDocument, ResourceRepository, WriteUnit } from './ports';
import { ResourceDocument } from '../scim/document/resource-document';

/** What one ResourceRepository.commit() did, as the observers of commits (metrics) see it. */
export interface CommitObservation {
  tenantId: string;
  unit: WriteUnit;
  /** Wall time of the commit (the adapter's transaction, not the request). */
  seconds: number;
  /** Present when the commit returned (applied or not). */
  result?: CommitResult;
  /** Present when the commit threw (409 uniqueness, 400 missing member, a store fault). */
  error?: unknown;
}

export type CommitListener = (observation: CommitObservation) => void;

/**
 * The commits of this process, for whoever wants to watch them (src/metrics): the store knows nothing of its
 * observers. A listener's failure never reaches the writer.
 */
export class CommitEvents {
  private readonly listeners = new Set<CommitListener>();

  /** Subscribes; returns the function that unsubscribes. */
  on(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(observation: CommitObservation): void {
    for (const listener of this.listeners) {
      try {
        listener(observation);
      } catch {
        // The listener's problem, never the writer's.
      }
    }
  }
}

/**
 * The ResourceRepository the application sees: the adapter's, with every commit timed and reported to
 * CommitEvents. Reads pass straight through. Nothing is written here: the adapter's commit stays the only write.
 */
export class ObservedResourceRepository extends ResourceRepository {
  constructor(
    private readonly inner: ResourceRepository,
    private readonly events: CommitEvents,
    private readonly now: () => bigint = process.hrtime.bigint,
  ) {
    super();
  }

  findById(tenantId: string, resourceType: string, id: string): Promise<ResourceDocument | null> {
    return this.inner.findById(tenantId, resourceType, id);
  }

  find(
    tenantId: string,
    resourceType: string,
    query: QueryDocument,
    options: FindOptions,
  ): Promise<FindResult> {
    return this.inner.find(tenantId, resourceType, query, options);
  }

  existingIds(tenantId: string, resourceType: string, ids: string[]): Promise<Set<string>> {
    return this.inner.existingIds(tenantId, resourceType, ids);
  }

  async commit(tenantId: string, unit: WriteUnit): Promise<CommitResult> {
    const started = this.now();
    const seconds = () => Number(this.now() - started) / 1e9;
    let result: CommitResult;
    try {
      result = await this.inner.commit(tenantId, unit);
    } catch (error) {
      this.events.emit({ tenantId, unit, seconds: seconds(), error });
      throw error;
    }
    this.events.emit({ tenantId, unit, seconds: seconds(), result });
    return result;
  }
}
