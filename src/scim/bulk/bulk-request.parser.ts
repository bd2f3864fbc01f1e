import { ScimError } from '../errors';
import { BULK_REQUEST_SCHEMA } from '../schema/schema-urns';
import { showValue } from '../show-value';
import { BulkMethod, BulkOperation, BulkRequest } from './bulk.types';

/** RFC 7644 §3.7.4 / RFC 7643 §5 ServiceProviderConfig `bulk` limits. */
export interface BulkLimits {
  maxOperations: number;
  /** Bytes. */
  maxPayloadSize: number;
}

/** Endpoints bulk operations may target when the caller does not say (ResourceTypeDefinition.endpoint). */
export const DEFAULT_BULK_ENDPOINTS: readonly string[] = ['/Users', '/Groups'];

const METHODS: readonly BulkMethod[] = ['POST', 'PUT', 'PATCH', 'DELETE'];
/** A bulkId becomes part of paths and '$ref' URIs ('/Users/bulkId:x'): no slash, no whitespace. */
const BULK_ID = /^[^\s/?#]+$/;
/** SCIM resources are a few levels deep; this only stops pathological nesting before anyone recurses into it. */
const MAX_DATA_DEPTH = 32;

/**
 * Validates a BulkRequest body (RFC 7644 §3.7) and returns it in a typed, normalised form.
 *
 * - payloadBytes > maxPayloadSize, or more than maxOperations operations: 413 tooMany (RFC 7644 §3.7.4).
 * - Anything that does not follow the BulkRequest message schema (missing schema URN, missing or malformed
 *   Operations, an unknown method, a path that is not '/{endpoint}' for POST or '/{endpoint}/{id}' otherwise,
 *   POST without bulkId, duplicate bulkIds, missing data): 400 invalidSyntax, naming the operation.
 *
 * Attribute names are matched case-insensitively (RFC 7643 §2.1); methods too. bulkId references inside data are
 * not checked here: an unknown one fails only its own operation (runBulk), as RFC 7644 §3.7 asks the server to
 * "continue performing as many changes as possible".
 */
export function parseBulkRequest(
  body: unknown,
  limits: BulkLimits,
  payloadBytes: number,
  endpoints: readonly string[] = DEFAULT_BULK_ENDPOINTS,
): BulkRequest {
  // Checked first: a client that sent too much learns the limit, not the first syntax error inside it.
  if (payloadBytes > limits.maxPayloadSize) {
    throw ScimError.tooMany(
      `The size of the bulk operation (${payloadBytes} bytes) exceeds the maxPayloadSize (${limits.maxPayloadSize}).`,
      413,
    );
  }
  if (!isPlainObject(body)) throw ScimError.invalidSyntax('A BulkRequest body must be a JSON object');

  const schemas = attribute(body, 'schemas', 'BulkRequest');
  if (
    !Array.isArray(schemas) ||
    !schemas.some((urn) => typeof urn === 'string' && urn.toLowerCase() === BULK_REQUEST_SCHEMA.toLowerCase())
  ) {
    throw ScimError.invalidSyntax(`'schemas' must contain '${BULK_REQUEST_SCHEMA}'`);
  }

  const operations = attribute(body, 'Operations', 'BulkRequest');
  if (!Array.isArray(operations))
    throw ScimError.invalidSyntax("'Operations' must be an array of operations");
  if (operations.length === 0)
    throw ScimError.invalidSyntax("'Operations' must contain at least one operation");
  if (operations.length > limits.maxOperations) {
    throw ScimError.tooMany(
      `The number of operations (${operations.length}) exceeds the maxOperations (${limits.maxOperations}).`,
      413,
    );
  }

  const request: BulkRequest = { operations: [] };
  const failOnErrors = attribute(body, 'failOnErrors', 'BulkRequest');
  if (failOnErrors !== undefined && failOnErrors !== null) {
    if (typeof failOnErrors !== 'number' || !Number.isInteger(failOnErrors) || failOnErrors < 1) {
      throw ScimError.invalidSyntax(
        `'failOnErrors' must be an integer of at least 1; got ${showValue(failOnErrors, 40)}`,
      );
    }
    request.failOnErrors = failOnErrors;
  }

  const canonicalEndpoints = new Map(endpoints.map((endpoint) => [endpoint.toLowerCase(), endpoint]));
  const bulkIds = new Map<string, number>();
  operations.forEach((raw, index) => {
    const operation = parseOperation(raw, index, canonicalEndpoints);
    if (operation.bulkId !== undefined) {
      const first = bulkIds.get(operation.bulkId);
      if (first !== undefined) {
        // RFC 7644 §3.7: bulkId is "unique within a bulk request".
        throw ScimError.invalidSyntax(
          `Operations[${index}]: bulkId '${operation.bulkId}' is already used by Operations[${first}]; bulkIds must be unique`,
        );
      }
      bulkIds.set(operation.bulkId, index);
    }
    request.operations.push(operation);
  });
  return request;
}

function parseOperation(raw: unknown, index: number, endpoints: Map<string, string>): BulkOperation {
  const where = `Operations[${index}]`;
  if (!isPlainObject(raw)) throw ScimError.invalidSyntax(`${where} must be an object`);

  const rawMethod = attribute(raw, 'method', where);
  const method = typeof rawMethod === 'string' ? (rawMethod.toUpperCase() as BulkMethod) : undefined;
  if (method === undefined || !METHODS.includes(method)) {
    throw ScimError.invalidSyntax(
      `${where}.method must be one of ${METHODS.join(', ')}; got ${showValue(rawMethod, 40)}`,
    );
  }

  const path = attribute(raw, 'path', where);
  if (typeof path !== 'string')
    throw ScimError.invalidSyntax(`${where}.path must be a string such as '/Users'`);
  const match = /^(\/[^/?#]+)(?:\/([^/?#]+))?$/.exec(path);
  const endpoint = match ? endpoints.get(match[1].toLowerCase()) : undefined;
  if (!match || endpoint === undefined) {
    throw ScimError.invalidSyntax(
      `${where}.path '${path}' must be a resource endpoint (${[...endpoints.values()].join(', ')}), ` +
        'optionally followed by /{id}',
    );
  }
  const id = match[2];
  if (method === 'POST' && id !== undefined) {
    throw ScimError.invalidSyntax(
      `${where}: a POST path must be a resource endpoint such as '${endpoint}', not '${path}'`,
    );
  }
  if (method !== 'POST' && id === undefined) {
    throw ScimError.invalidSyntax(
      `${where}: a ${method} path must name one resource, e.g. '${endpoint}/{id}'`,
    );
  }

  const operation: BulkOperation = { index, method, path, endpoint };
  if (id !== undefined) operation.id = id;

  if (method === 'POST') {
    // RFC 7644 §3.7: bulkId is REQUIRED when the method is POST. On other methods it has no meaning; ignored.
    const bulkId = attribute(raw, 'bulkId', where);
    if (typeof bulkId !== 'string' || !BULK_ID.test(bulkId)) {
      throw ScimError.invalidSyntax(
        `${where}.bulkId is required for POST and must be a non-empty string without spaces or '/'; got ${showValue(bulkId, 40)}`,
      );
    }
    operation.bulkId = bulkId;
  }

  const version = attribute(raw, 'version', where);
  if (version !== undefined && version !== null) {
    if (typeof version !== 'string' || version === '') {
      throw ScimError.invalidSyntax(`${where}.version must be a non-empty string (an ETag)`);
    }
    operation.version = version;
  }

  if (method !== 'DELETE') {
    const data = attribute(raw, 'data', where);
    if (!isPlainObject(data))
      throw ScimError.invalidSyntax(`${where}.data is required for ${method} and must be an object`);
    if (depthExceeds(data, MAX_DATA_DEPTH)) {
      throw ScimError.invalidSyntax(`${where}.data is nested more than ${MAX_DATA_DEPTH} levels deep`);
    }
    operation.data = data;
  }
  return operation;
}

/** Reads an attribute by case-insensitive name (RFC 7643 §2.1); two spellings of one name are ambiguous. */
function attribute(object: Record<string, unknown>, name: string, where: string): unknown {
  const lower = name.toLowerCase();
  const keys = Object.keys(object).filter((key) => key.toLowerCase() === lower);
  if (keys.length > 1)
    throw ScimError.invalidSyntax(`${where} has '${name}' more than once (${keys.join(', ')})`);
  return keys.length === 1 ? object[keys[0]] : undefined;
}

function depthExceeds(value: unknown, remaining: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (remaining === 0) return true;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.some((child) => depthExceeds(child, remaining - 1));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
