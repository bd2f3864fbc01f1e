import { BULK_RESPONSE_SCHEMA } from '../schema/schema-urns';

/** RFC 7644 §3.7: the HTTP methods a bulk operation may carry (matched case-insensitively, stored upper-case). */
export type BulkMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One operation of a validated BulkRequest, in request order. */
export interface BulkOperation {
  /** 0-based position in the request's Operations array. */
  index: number;
  method: BulkMethod;
  /** The path as sent, e.g. '/Users' or '/Groups/bulkId:ytrewq'. */
  path: string;
  /** Resource endpoint in its canonical spelling, e.g. '/Users' (ResourceTypeDefinition.endpoint). */
  endpoint: string;
  /** The id segment of the path as sent (may be a 'bulkId:…' reference); absent for POST. */
  id?: string;
  /** The client's transient id (RFC 7644 §3.7.2); always present for POST, never for other methods. */
  bulkId?: string;
  /** Resource version the client expects (ETag, RFC 7644 §3.14), for PUT/PATCH/DELETE. */
  version?: string;
  /** Resource body (POST/PUT) or PatchOp body (PATCH), in wire shape; absent for DELETE. */
  data?: Record<string, unknown>;
}

export interface BulkRequest {
  /** Stop after this many errors (RFC 7644 §3.7); absent = run everything. */
  failOnErrors?: number;
  operations: BulkOperation[];
}

/**
 * Why the executor is called:
 * - 'operation': the client's operation, with every bulkId reference replaced by the created id;
 * - 'circularCreate': a POST caught in a circular reference (RFC 7644 §3.7.1), created without the values that
 *   reference not-yet-created resources;
 * - 'circularComplete': the PATCH (PatchOp `add` operations) that puts those values back once their targets exist.
 */
export type BulkStep = 'operation' | 'circularCreate' | 'circularComplete';

/** An operation ready to execute: no 'bulkId:' reference is left in `id`, `path` or `data`. */
export interface ResolvedOperation {
  index: number;
  method: BulkMethod;
  endpoint: string;
  /** Resolved resource id; absent for POST. */
  id?: string;
  /** Resolved path, e.g. '/Groups/e9e30dba'. */
  path: string;
  bulkId?: string;
  version?: string;
  data?: Record<string, unknown>;
  step: BulkStep;
}

export interface BulkOperationOutcome {
  /** HTTP status the operation would have had as a single request (201, 200, 204, …). */
  status: number;
  /** Absolute URL of the resource (RFC 7644 §3.7.3). */
  location?: string;
  /** ETag of the resource after the operation. */
  version?: string;
  /** Id of the created resource: REQUIRED for a successful POST (it resolves the bulkId). */
  id?: string;
  /** Optional response body to echo. */
  response?: unknown;
}

export type BulkExecutor = (operation: ResolvedOperation) => Promise<BulkOperationOutcome>;

/** RFC 7644 §3.7.3: one entry of the BulkResponse's Operations. */
export interface BulkResponseOperation {
  method: BulkMethod;
  bulkId?: string;
  location?: string;
  version?: string;
  /** The HTTP status code, as a string. */
  status: string;
  response?: unknown;
}

export interface BulkResponse {
  schemas: [typeof BULK_RESPONSE_SCHEMA];
  Operations: BulkResponseOperation[];
}
