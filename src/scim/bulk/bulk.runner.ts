import { SCIM_ERROR_SCHEMA, ScimError, ScimErrorBody } from '../errors';
import { BULK_RESPONSE_SCHEMA, PATCH_OP_SCHEMA } from '../schema/schema-urns';
import {
  collectReferences,
  DeferredValue,
  deferReferences,
  referencedBulkId,
  resolveReferences,
  resolveString,
} from './bulk-id.references';
import {
  BulkExecutor,
  BulkOperation,
  BulkOperationOutcome,
  BulkRequest,
  BulkResponse,
  BulkResponseOperation,
  ResolvedOperation,
} from './bulk.types';

export interface BulkRunOptions {
  /** Overrides the request's failOnErrors (e.g. a server-side cap). */
  failOnErrors?: number;
  /**
   * Base URL of the SCIM service, e.g. 'https://example.com/scim/v2', used for the `location` of operations whose
   * executor gave none, and of failed PUT/PATCH/DELETE (RFC 7644 §3.7.3: location is returned for every
   * operation but a failed POST).
   */
  baseUrl?: string;
  /** Called with any non-ScimError thrown by the executor (answered as 500): the engine has no logger. */
  onUnexpectedError?: (error: unknown, operation: ResolvedOperation) => void;
}

type Task =
  | { kind: 'operation'; operation: BulkOperation; needs: Set<string> }
  | { kind: 'complete'; operation: BulkOperation; needs: Set<string>; id: string; deferred: DeferredValue[] };

/**
 * Runs a validated BulkRequest (RFC 7644 §3.7) through `executor` and builds the BulkResponse body.
 *
 * Order: operations run in request order, except that one referencing a bulkId waits until the POST with that
 * bulkId has run, wherever it stands in the request. RFC 7644 §3.7 allows reordering when "the same stateful result
 * is achieved" and §3.7.2 requires references to be resolved; a group listed before its members therefore works.
 *
 * Circular references (RFC 7644 §3.7.1: the server "MUST try to resolve" them, "but MAY stop after a failed attempt
 * and instead return HTTP status code 409"): when every remaining operation waits on another, the first POST of the
 * cycle is created without the values that reference pending resources (step 'circularCreate'), and those values
 * are added back with a PATCH (step 'circularComplete') once their targets exist. If that fails, the operation
 * reports the failure (409 when a target could not be created).
 *
 * Failures are per operation: a ScimError thrown by the executor becomes that operation's error response; any
 * other exception a 500. A reference to a bulkId that no POST in the request defines is 400 invalidValue; one to a
 * POST that failed is 409, since the resource it names does not exist. With failOnErrors = n, processing stops
 * after the n-th error: operations not yet run are neither run nor reported (RFC 7644 §3.7.3).
 * Operations in the response keep request order.
 */
export async function runBulk(
  request: BulkRequest,
  executor: BulkExecutor,
  options: BulkRunOptions = {},
): Promise<BulkResponse> {
  return new BulkRun(request, executor, options).run();
}

class BulkRun {
  private readonly definedBy = new Map<string, BulkOperation>();
  private readonly created = new Map<string, string>();
  /** bulkId → why it has no resource. */
  private readonly failed = new Map<string, string>();
  private readonly results = new Map<number, BulkResponseOperation>();
  private readonly failOnErrors: number | undefined;
  private errors = 0;

  constructor(
    private readonly request: BulkRequest,
    private readonly executor: BulkExecutor,
    private readonly options: BulkRunOptions,
  ) {
    this.failOnErrors = options.failOnErrors ?? request.failOnErrors;
    for (const operation of request.operations) {
      if (operation.bulkId !== undefined) this.definedBy.set(operation.bulkId, operation);
    }
  }

  async run(): Promise<BulkResponse> {
    const pending: Task[] = this.request.operations.map((operation) => ({
      kind: 'operation',
      operation,
      needs: referencesOf(operation),
    }));

    while (pending.length > 0 && !this.stopped()) {
      const ready = pending.findIndex((task) => [...task.needs].every((bulkId) => this.settled(bulkId)));
      if (ready >= 0) {
        const [task] = pending.splice(ready, 1);
        if (task.kind === 'operation') await this.runOperation(task.operation);
        else await this.completeCircular(task);
      } else {
        const operation = this.firstOfCycle(pending);
        const at = pending.findIndex((task) => task.kind === 'operation' && task.operation === operation);
        // Cannot happen (the cycle's POSTs are all pending); never risk removing the wrong task or looping.
        if (at < 0) throw new Error('bulk: circular reference resolution lost track of an operation');
        pending.splice(at, 1);
        const completion = await this.createCircular(operation);
        if (completion) pending.push(completion);
      }
    }

    return {
      schemas: [BULK_RESPONSE_SCHEMA],
      Operations: [...this.results.entries()].sort(([a], [b]) => a - b).map(([, result]) => result),
    };
  }

  private stopped(): boolean {
    return this.failOnErrors !== undefined && this.errors >= this.failOnErrors;
  }

  /** A bulkId is settled when waiting longer cannot change it: created, failed, or never defined. */
  private settled(bulkId: string): boolean {
    return this.created.has(bulkId) || this.failed.has(bulkId) || !this.definedBy.has(bulkId);
  }

  private async runOperation(operation: BulkOperation): Promise<void> {
    const problem = this.referenceProblem(operation, referencesOf(operation));
    if (problem) return this.fail(operation, problem);

    const resolved: ResolvedOperation = {
      index: operation.index,
      method: operation.method,
      endpoint: operation.endpoint,
      path: resolveString(operation.path, this.created),
      step: 'operation',
    };
    if (operation.id !== undefined) resolved.id = resolveString(operation.id, this.created);
    if (operation.bulkId !== undefined) resolved.bulkId = operation.bulkId;
    if (operation.version !== undefined) resolved.version = operation.version;
    if (operation.data !== undefined) resolved.data = resolveReferences(operation.data, this.created);

    const outcome = await this.execute(resolved);
    if (outcome instanceof ScimError) return this.fail(operation, outcome, resolved.id);
    this.succeed(operation, outcome, resolved.id);
  }

  /** RFC 7644 §3.7.1, first half: create the resource without the values that would need pending resources. */
  private async createCircular(operation: BulkOperation): Promise<Task | undefined> {
    const needs = referencesOf(operation);
    const problem = this.referenceProblem(operation, needs);
    if (problem) {
      this.fail(operation, problem);
      return undefined;
    }
    const pendingIds = new Set([...needs].filter((bulkId) => !this.created.has(bulkId)));
    const split = deferReferences(operation.data ?? {}, pendingIds);
    const outcome = await this.execute({
      index: operation.index,
      method: operation.method,
      endpoint: operation.endpoint,
      path: operation.path,
      bulkId: operation.bulkId,
      data: resolveReferences(split.data, this.created),
      step: 'circularCreate',
    });
    if (outcome instanceof ScimError) {
      this.fail(operation, outcome);
      return undefined;
    }
    const id = this.succeed(operation, outcome);
    if (id === undefined) return undefined;
    return { kind: 'complete', operation, needs: pendingIds, id, deferred: split.deferred };
  }

  /** RFC 7644 §3.7.1, second half: add the deferred values now that their targets are settled. */
  private async completeCircular(task: Extract<Task, { kind: 'complete' }>): Promise<void> {
    const { operation, id } = task;
    const created = this.results.get(operation.index);
    const problem = this.referenceProblem(operation, task.needs);
    if (problem) {
      return this.fail(
        operation,
        new ScimError(
          problem.status,
          problem.scimType,
          `The resource was created as ${id}, but ${lowerFirst(problem.detail)}`,
        ),
        id,
        created?.location,
      );
    }
    const path = `${operation.endpoint}/${id}`;
    const outcome = await this.execute({
      index: operation.index,
      method: 'PATCH',
      endpoint: operation.endpoint,
      id,
      path,
      bulkId: operation.bulkId,
      data: {
        schemas: [PATCH_OP_SCHEMA],
        Operations: task.deferred.map(({ path: attributePath, value }) => ({
          op: 'add',
          path: attributePath,
          value: resolveReferences(value, this.created),
        })),
      },
      step: 'circularComplete',
    });
    if (outcome instanceof ScimError) {
      return this.fail(
        operation,
        new ScimError(
          outcome.status,
          outcome.scimType,
          `The resource was created as ${id}, but its references to other resources of this request could not be added: ${outcome.detail}`,
        ),
        id,
        created?.location,
      );
    }
    // The client asked for a create: report the create's status, with the final version.
    if (created) {
      if (outcome.version !== undefined) created.version = outcome.version;
      if (outcome.location !== undefined && created.location === undefined)
        created.location = outcome.location;
    }
  }

  /** Why an operation cannot run: a reference to a bulkId nobody defines (400) or whose POST failed (409). */
  private referenceProblem(operation: BulkOperation, needs: Set<string>): ScimError | undefined {
    for (const bulkId of needs) {
      if (!this.definedBy.has(bulkId)) {
        return ScimError.invalidValue(
          `Operations[${operation.index}] references 'bulkId:${bulkId}', but no POST operation in this request has bulkId '${bulkId}'`,
        );
      }
    }
    for (const bulkId of needs) {
      const reason = this.failed.get(bulkId);
      if (reason !== undefined) {
        return ScimError.conflict(
          `Operations[${operation.index}] references 'bulkId:${bulkId}', whose resource was not created: ${reason}`,
        );
      }
    }
    return undefined;
  }

  /** Picks the POST to create first when every pending task waits: the earliest-listed member of a cycle. */
  private firstOfCycle(pending: Task[]): BulkOperation {
    const seen: BulkOperation[] = [];
    let current = pending[0];
    for (;;) {
      const waitingOn = [...current.needs].find((bulkId) => !this.settled(bulkId));
      // A waiting task always has an unsettled bulkId whose POST is pending; following them must loop.
      const next = this.definedBy.get(waitingOn as string) as BulkOperation;
      const at = seen.indexOf(next);
      if (at >= 0) {
        return seen
          .slice(at)
          .reduce((first, operation) => (operation.index < first.index ? operation : first));
      }
      seen.push(next);
      current = pending.find((task) => task.kind === 'operation' && task.operation === next) as Task;
    }
  }

  /** Calls the executor; every failure comes back as a ScimError (RFC 7644 §3.7.3 per-operation status). */
  private async execute(operation: ResolvedOperation): Promise<BulkOperationOutcome | ScimError> {
    let outcome: BulkOperationOutcome;
    try {
      outcome = await this.executor(operation);
    } catch (error) {
      if (error instanceof ScimError) return error;
      this.options.onUnexpectedError?.(error, operation);
      return new ScimError(500, undefined, 'Internal server error while processing this operation');
    }
    if (operation.method === 'POST' && outcome.status < 400 && !outcome.id) {
      this.options.onUnexpectedError?.(
        new Error('bulk executor returned no id for a successful POST'),
        operation,
      );
      return new ScimError(500, undefined, 'Internal server error while processing this operation');
    }
    return outcome;
  }

  /** Records a success; returns the created id of a POST. An executor answering with status ≥ 400 is a failure. */
  private succeed(
    operation: BulkOperation,
    outcome: BulkOperationOutcome,
    resolvedId?: string,
  ): string | undefined {
    if (outcome.status >= 400) {
      this.recordError(
        operation,
        outcome.status,
        outcome.response ?? genericErrorBody(outcome.status),
        resolvedId,
      );
      return undefined;
    }
    const id = operation.method === 'POST' ? outcome.id : resolvedId;
    this.results.set(
      operation.index,
      entry(operation, {
        location: outcome.location ?? this.locationOf(operation, id),
        version: outcome.version,
        status: outcome.status,
        response: outcome.response,
      }),
    );
    if (operation.method === 'POST' && operation.bulkId !== undefined && id !== undefined) {
      this.created.set(operation.bulkId, id);
    }
    return id;
  }

  private fail(operation: BulkOperation, error: ScimError, resolvedId?: string, location?: string): void {
    this.recordError(operation, error.status, error.toBody(), resolvedId, location);
  }

  private recordError(
    operation: BulkOperation,
    status: number,
    response: unknown,
    resolvedId?: string,
    knownLocation?: string,
  ): void {
    if (operation.bulkId !== undefined && !this.created.has(operation.bulkId)) {
      this.failed.set(operation.bulkId, `Operations[${operation.index}] failed with status ${status}`);
    }
    // RFC 7644 §3.7.3: no location for a failed POST, unless a circular create did make the resource.
    const id = operation.method === 'POST' ? resolvedId : (resolvedId ?? operation.id);
    const location =
      knownLocation ??
      (id !== undefined && referencedBulkId(id) === undefined ? this.locationOf(operation, id) : undefined);
    this.results.set(operation.index, entry(operation, { location, status, response }));
    this.errors += 1;
  }

  private locationOf(operation: BulkOperation, id: string | undefined): string | undefined {
    if (this.options.baseUrl === undefined || id === undefined) return undefined;
    return `${this.options.baseUrl.replace(/\/+$/, '')}${operation.endpoint}/${encodeURIComponent(id)}`;
  }
}

function referencesOf(operation: BulkOperation): Set<string> {
  const needs = collectReferences(operation.data);
  if (operation.id !== undefined) {
    const bulkId = referencedBulkId(operation.id);
    if (bulkId !== undefined) needs.add(bulkId);
  }
  return needs;
}

function genericErrorBody(status: number): ScimErrorBody {
  return { schemas: [SCIM_ERROR_SCHEMA], status: String(status), detail: 'The operation failed' };
}

/** One BulkResponse operation, fields in the order of the RFC 7644 §3.7.3 examples; absent ones left out. */
function entry(
  operation: BulkOperation,
  parts: { location?: string; version?: string; status: number; response?: unknown },
): BulkResponseOperation {
  return {
    method: operation.method,
    ...(operation.bulkId !== undefined ? { bulkId: operation.bulkId } : {}),
    ...(parts.location !== undefined ? { location: parts.location } : {}),
    ...(parts.version !== undefined ? { version: parts.version } : {}),
    status: String(parts.status),
    ...(parts.response !== undefined ? { response: parts.response } : {}),
  };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
