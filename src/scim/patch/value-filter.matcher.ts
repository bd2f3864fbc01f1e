import { CompareNode, CompareValue, FilterNode } from '../filter/filter.ast';
import { AttributeDefinition } from '../schema/attribute-definition';
import { findAttribute } from '../schema/schema.registry';
import { findKey, isObject } from './json-value.util';

/**
 * In-memory evaluation of a value filter — the part between the brackets of `emails[type eq "work"]`
 * (RFC 7644 §3.5.2 valuePath) — against ONE element of the multi-valued attribute `attribute`.
 * Paths inside the filter are relative to the element (`type`, not `emails.type`). For a multi-valued
 * attribute of simple values the element itself is addressed as `value` (RFC 7644 §3.5.2.2).
 *
 * Comparison follows RFC 7644 §3.4.2.2: strings compare case-insensitively unless the sub-attribute is
 * caseExact; gt/ge/lt/le compare strings lexically, numbers numerically and dateTimes chronologically;
 * booleans only support eq/ne. Boolean attributes also accept "True"/"False" literals, as in Entra's
 * `roles[primary eq "True"]` (docs/entra.md §7.3). Anything that cannot be compared does not match: this never
 * throws on stored data.
 */
export function matchesValueFilter(
  filter: FilterNode,
  element: unknown,
  attribute: AttributeDefinition,
): boolean {
  switch (filter.kind) {
    case 'and':
      return (
        matchesValueFilter(filter.left, element, attribute) &&
        matchesValueFilter(filter.right, element, attribute)
      );
    case 'or':
      return (
        matchesValueFilter(filter.left, element, attribute) ||
        matchesValueFilter(filter.right, element, attribute)
      );
    case 'not':
      return !matchesValueFilter(filter.filter, element, attribute);
    case 'present': {
      const operand = operandOf(filter.path.attr, filter.path.uri, filter.path.sub, element, attribute);
      return operand !== undefined && operand.values.some(isPresent);
    }
    case 'compare':
      return matchesCompare(filter, element, attribute);
    case 'valuePath':
      // Value paths do not nest (RFC 7644 Figure 1, errata 4690/7322); the resolver rejects them earlier.
      return false;
  }
}

interface Operand {
  definition: AttributeDefinition;
  /** The element's value(s) for the path; several when the sub-attribute is itself multi-valued. */
  values: unknown[];
}

/** The definition and value(s) that a filter path designates inside one element, or undefined if none. */
function operandOf(
  name: string,
  uri: string | undefined,
  sub: string | undefined,
  element: unknown,
  attribute: AttributeDefinition,
): Operand | undefined {
  if (uri !== undefined || sub !== undefined) return undefined;
  if (attribute.type !== 'complex') {
    // Simple multi-valued attribute: "value" is the element itself.
    if (name.toLowerCase() !== 'value') return undefined;
    return { definition: attribute, values: [element] };
  }
  const definition = findAttribute(attribute.subAttributes ?? [], name);
  if (!definition || !isObject(element)) return undefined;
  const key = findKey(element, definition.name);
  const raw = key === undefined ? undefined : element[key];
  return { definition, values: Array.isArray(raw) ? raw : [raw] };
}

function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}

function matchesCompare(node: CompareNode, element: unknown, attribute: AttributeDefinition): boolean {
  const operand = operandOf(node.path.attr, node.path.uri, node.path.sub, element, attribute);
  if (!operand) return false;
  const present = operand.values.filter((v) => v !== undefined && v !== null);
  if (node.value === null) {
    // `x eq null` holds when x is unassigned, `x ne null` when it is assigned (RFC 7643 §2.5).
    if (node.op === 'eq') return present.length === 0;
    if (node.op === 'ne') return present.length > 0;
    return false;
  }
  if (node.op === 'ne') {
    return !present.some((v) => compare(operand.definition, v, 'eq', node.value));
  }
  return present.some((v) => compare(operand.definition, v, node.op, node.value));
}

type Op = CompareNode['op'];

function compare(definition: AttributeDefinition, actual: unknown, op: Op, expected: CompareValue): boolean {
  switch (definition.type) {
    case 'boolean': {
      const a = asBoolean(actual);
      const e = asBoolean(expected);
      if (a === undefined || e === undefined) return false;
      return op === 'eq' ? a === e : false;
    }
    case 'integer':
    case 'decimal': {
      const a = asNumber(actual);
      const e = asNumber(expected);
      if (a === undefined || e === undefined) return false;
      return ordered(op, a === e ? 0 : a < e ? -1 : 1);
    }
    case 'dateTime': {
      if (typeof actual !== 'string' || typeof expected !== 'string') return false;
      const a = Date.parse(actual);
      const e = Date.parse(expected);
      if (Number.isNaN(a) || Number.isNaN(e)) return textCompare(actual, expected, op, false);
      return ordered(op, a === e ? 0 : a < e ? -1 : 1);
    }
    case 'string':
    case 'reference':
    case 'binary': {
      if (typeof actual !== 'string') return false;
      const text =
        typeof expected === 'string' ? expected : typeof expected === 'number' ? String(expected) : undefined;
      if (text === undefined) return false;
      return textCompare(actual, text, op, definition.caseExact);
    }
    default:
      return false;
  }
}

function textCompare(actual: string, expected: string, op: Op, caseExact: boolean): boolean {
  const a = caseExact ? actual : actual.toLowerCase();
  const e = caseExact ? expected : expected.toLowerCase();
  switch (op) {
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    default:
      return ordered(op, a === e ? 0 : a < e ? -1 : 1);
  }
}

/** eq/gt/ge/lt/le over a three-way comparison result; co/sw/ew do not apply to non-strings. */
function ordered(op: Op, cmp: number): boolean {
  switch (op) {
    case 'eq':
      return cmp === 0;
    case 'gt':
      return cmp > 0;
    case 'ge':
      return cmp >= 0;
    case 'lt':
      return cmp < 0;
    case 'le':
      return cmp <= 0;
    default:
      return false;
  }
}

function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
  }
  return undefined;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}
