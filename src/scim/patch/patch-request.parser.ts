import { ScimError } from '../errors';
import { isPlainObject } from '../schema/coerce';
import { PATCH_OP_SCHEMA } from '../schema/schema-urns';

export type PatchOpName = 'add' | 'replace' | 'remove';

/** One validated entry of the request's "Operations" array (RFC 7644 §3.5.2). */
export interface PatchOperation {
  /** Position in the request, 0-based, for error messages. */
  index: number;
  op: PatchOpName;
  /** Absent when the client sent no path, null or an empty string. */
  path?: string;
  /** Whether the operation carried a "value" member (null counts: it means "unassigned", RFC 7643 §2.5). */
  hasValue: boolean;
  value?: unknown;
}

export const DEFAULT_MAX_OPERATIONS = 1000;
/** Entra adds group members by the thousand in one operation (docs/entra.md §4.13). */
export const DEFAULT_MAX_VALUES_PER_OPERATION = 10000;

const OPS: readonly PatchOpName[] = ['add', 'replace', 'remove'];

/** Message attribute names are case-insensitive like all SCIM attribute names (RFC 7643 §2.1). */
function member(obj: Record<string, unknown>, name: string): { present: boolean; value: unknown } {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return { present: true, value: obj[name] };
  const wanted = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === wanted);
  return key === undefined ? { present: false, value: undefined } : { present: true, value: obj[key] };
}

/**
 * Validates the shape of a PatchOp request body (RFC 7644 §3.5.2) and returns its operations.
 * Shape errors are 400 invalidSyntax; more than `maxOperations` operations, or more than
 * `maxValuesPerOperation` values in one operation (see countValues), is 400 tooMany.
 * `op` is accepted in any case: Entra's default dialect sends "Add", "Replace", "Remove" (docs/entra.md §5).
 */
export function parsePatchRequest(
  body: unknown,
  maxOperations = DEFAULT_MAX_OPERATIONS,
  maxValuesPerOperation = DEFAULT_MAX_VALUES_PER_OPERATION,
): PatchOperation[] {
  if (!isPlainObject(body)) {
    throw ScimError.invalidSyntax('The PATCH body must be a JSON object with "schemas" and "Operations"');
  }
  const schemas = member(body, 'schemas');
  if (
    !Array.isArray(schemas.value) ||
    !schemas.value.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())
  ) {
    throw ScimError.invalidSyntax(
      `The PATCH body must have "schemas": ["${PATCH_OP_SCHEMA}"] (RFC 7644 §3.5.2)`,
    );
  }
  const operations = member(body, 'Operations');
  if (!operations.present) {
    throw ScimError.invalidSyntax('The PATCH body has no "Operations" array (RFC 7644 §3.5.2)');
  }
  if (!Array.isArray(operations.value)) {
    throw ScimError.invalidSyntax('"Operations" must be an array of operations (RFC 7644 §3.5.2)');
  }
  if (operations.value.length === 0) {
    throw ScimError.invalidSyntax('"Operations" must contain at least one operation (RFC 7644 §3.5.2)');
  }
  if (operations.value.length > maxOperations) {
    throw ScimError.tooMany(
      `The request has ${operations.value.length} operations; at most ${maxOperations} are accepted per PATCH`,
    );
  }
  return operations.value.map((raw, index) => {
    const operation = parseOperation(raw, index);
    const values = countValues(operation);
    if (values > maxValuesPerOperation) {
      throw ScimError.tooMany(
        `Operations[${index}] has ${values} values; at most ${maxValuesPerOperation} are accepted in one operation`,
      );
    }
    return operation;
  });
}

/**
 * Values an operation carries: the elements of an array value; for a path-less value object (RFC 7644
 * §3.5.2.1), the elements of each array it holds plus one per other attribute; otherwise one.
 */
function countValues(operation: PatchOperation): number {
  const { value } = operation;
  if (Array.isArray(value)) return value.length;
  if (operation.path === undefined && isPlainObject(value)) {
    let count = 0;
    for (const item of Object.values(value)) count += Array.isArray(item) ? item.length : 1;
    return count;
  }
  return 1;
}

function parseOperation(raw: unknown, index: number): PatchOperation {
  const where = `Operations[${index}]`;
  if (!isPlainObject(raw))
    throw ScimError.invalidSyntax(`${where} must be an object with "op", "path" and "value"`);
  const op = member(raw, 'op').value;
  if (typeof op !== 'string')
    throw ScimError.invalidSyntax(`${where} has no "op" string (add, replace or remove)`);
  const name = op.trim().toLowerCase() as PatchOpName;
  if (!OPS.includes(name)) {
    throw ScimError.invalidSyntax(
      `${where}.op is ${JSON.stringify(op.length > 40 ? `${op.slice(0, 40)}…` : op)}; expected add, replace or remove`,
    );
  }
  const path = member(raw, 'path').value;
  if (path !== undefined && path !== null && typeof path !== 'string') {
    throw ScimError.invalidSyntax(`${where}.path must be a string`);
  }
  const value = member(raw, 'value');
  // RFC 7644 §3.5.2.1 and §3.5.2.3: add and replace MUST carry a "value".
  if (name !== 'remove' && !value.present) {
    throw ScimError.invalidSyntax(`${where} (${name}) has no "value"`);
  }
  const operation: PatchOperation = { index, op: name, hasValue: value.present };
  if (typeof path === 'string' && path.trim() !== '') operation.path = path;
  if (value.present) operation.value = value.value;
  return operation;
}
