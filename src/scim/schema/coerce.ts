import { ScimError } from '../errors';
import { AttributeDefinition } from './attribute-definition';
import { findAttribute } from './schema.registry';
import { showValue } from '../show-value';

/**
 * Validation and coercion of attribute values coming off the wire (RFC 7643 §2.3 data types).
 * Used by resource validation (POST/PUT bodies) and by the PATCH engine (operation values).
 * Everything here throws ScimError 400 invalidValue with the attribute path in the message.
 */
export interface CoerceOptions {
  /**
   * Accept "true"/"false" strings in any case for boolean attributes. Entra sends "True"/"False" in its
   * default PATCH dialect (docs/entra.md §5, §15). Default true.
   */
  lenientBooleans?: boolean;
  /**
   * Accept numeric strings for integer/decimal attributes and finite numbers for string attributes
   * (stored as their decimal text). Entra sends custom attributes as strings whatever their type
   * (docs/entra.md §7.4). Default true.
   */
  lenientNumbers?: boolean;
  /**
   * Drop readOnly sub-attributes instead of keeping them. RFC 7644 §3.5.1 lets a PUT carry readOnly values,
   * which the server ignores (e.g. manager.displayName, members.display). Default false.
   */
  ignoreReadOnly?: boolean;
  /**
   * Longest string value accepted, in characters (strings, references, binary data); longer is 400
   * invalidValue. A hard limit against oversized values (ATTRIBUTE_MAX_LENGTH); unlimited when absent.
   */
  maxStringLength?: number;
}

function invalid(path: string, expected: string, raw: unknown): ScimError {
  return ScimError.invalidValue(`Attribute '${path}' must be ${expected}; got ${showValue(raw)}`);
}

/** 400 invalidValue when a string value is longer than `max` characters (undefined: no limit). */
export function assertMaxLength(value: string, path: string, max: number | undefined): string {
  if (max !== undefined && value.length > max) {
    throw ScimError.invalidValue(
      `Attribute '${path}' is ${value.length} characters long; at most ${max} are accepted`,
    );
  }
  return value;
}

export function isPlainObject(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

/**
 * Coerces the whole value of an attribute. For a multi-valued attribute `raw` may be an array or one element
 * (which is wrapped): the result is an array, possibly empty, with null elements dropped.
 * `null`/`undefined` mean "no value" and come back as `null`: the caller removes the attribute.
 */
export function coerceValue(
  attribute: AttributeDefinition,
  raw: unknown,
  path: string,
  options: CoerceOptions = {},
): unknown {
  if (raw === null || raw === undefined) return null;
  if (!attribute.multiValued) return coerceElement(attribute, raw, path, options);
  const items = Array.isArray(raw) ? raw : [raw];
  const out: unknown[] = [];
  items.forEach((item, i) => {
    const value = coerceElement(attribute, item, `${path}[${i}]`, options);
    if (value !== null) out.push(value);
  });
  return out;
}

/**
 * Coerces one value of an attribute: the value of a single-valued attribute or one element of a multi-valued
 * one (never an array of elements). Returns `null` for "no value" (null input, or a complex value left empty).
 */
export function coerceElement(
  attribute: AttributeDefinition,
  raw: unknown,
  path: string,
  options: CoerceOptions = {},
): unknown {
  if (raw === null || raw === undefined) return null;
  const lenientBooleans = options.lenientBooleans ?? true;
  const lenientNumbers = options.lenientNumbers ?? true;
  switch (attribute.type) {
    case 'string':
    case 'reference':
      if (typeof raw === 'string') return assertMaxLength(raw, path, options.maxStringLength);
      // RFC 7643 §2.3.1 wants a JSON string; numbers are accepted as their text (e.g. employeeNumber: 42).
      if (lenientNumbers && typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
      throw invalid(path, 'a string', raw);
    case 'boolean':
      return coerceBoolean(raw, path, lenientBooleans);
    case 'integer':
      return coerceInteger(raw, path, lenientNumbers);
    case 'decimal':
      return coerceDecimal(raw, path, lenientNumbers);
    case 'dateTime':
      return coerceDateTime(raw, path);
    case 'binary':
      if (typeof raw === 'string') assertMaxLength(raw, path, options.maxStringLength);
      return coerceBinary(raw, path);
    case 'complex':
      return coerceComplex(attribute, raw, path, options);
    default:
      throw ScimError.invalidValue(`Attribute '${path}' has an unsupported type`);
  }
}

function coerceBoolean(raw: unknown, path: string, lenient: boolean): boolean {
  if (typeof raw === 'boolean') return raw;
  if (lenient && typeof raw === 'string') {
    const text = raw.trim().toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
  }
  throw invalid(path, 'a boolean (true or false)', raw);
}

const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function coerceInteger(raw: unknown, path: string, lenient: boolean): number {
  // RFC 7643 §2.3.4: no fractional part; we also refuse what a double cannot hold exactly.
  let value: number | undefined;
  if (typeof raw === 'number') value = raw;
  else if (lenient && typeof raw === 'string' && INTEGER_TEXT.test(raw.trim())) value = Number(raw.trim());
  if (value === undefined || !Number.isSafeInteger(value)) throw invalid(path, 'an integer', raw);
  return value;
}

function coerceDecimal(raw: unknown, path: string, lenient: boolean): number {
  let value: number | undefined;
  if (typeof raw === 'number') value = raw;
  else if (lenient && typeof raw === 'string' && DECIMAL_TEXT.test(raw.trim())) value = Number(raw.trim());
  if (value === undefined || !Number.isFinite(value)) throw invalid(path, 'a decimal number', raw);
  return value;
}

/** xsd:dateTime (RFC 7643 §2.3.5): date, "T", time, optional fraction, optional zone. */
const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

function coerceDateTime(raw: unknown, path: string): string {
  if (raw instanceof Date && !Number.isNaN(raw.getTime())) return raw.toISOString();
  const expected = 'an xsd:dateTime such as "2024-05-01T12:00:00Z"';
  if (typeof raw !== 'string') throw invalid(path, expected, raw);
  const m = DATE_TIME.exec(raw.trim());
  if (!m) throw invalid(path, expected, raw);
  const [, y, mo, d, h, mi, s, , zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  // Date.parse rolls "02-30" over to March 1st; check the calendar ourselves.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const endOfDay = Number(h) === 24 && Number(mi) === 0 && Number(s) === 0;
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth ||
    (Number(h) > 23 && !endOfDay) ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    throw invalid(path, expected, raw);
  }
  // A dateTime without a zone is taken as UTC, so that the stored value does not depend on the server's zone.
  const date = new Date(zone ? raw.trim() : `${raw.trim()}Z`);
  if (Number.isNaN(date.getTime())) throw invalid(path, expected, raw);
  return date.toISOString();
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function coerceBinary(raw: unknown, path: string): string {
  // RFC 7643 §2.3.6: base64 of RFC 4648 §4 (not the URL-safe alphabet), padded.
  if (typeof raw !== 'string' || !BASE64.test(raw)) throw invalid(path, 'base64-encoded binary data', raw);
  return raw;
}

function coerceComplex(
  attribute: AttributeDefinition,
  raw: unknown,
  path: string,
  options: CoerceOptions,
): Record<string, unknown> | null {
  const valueSub = findAttribute(attribute.subAttributes ?? [], 'value');
  let input = raw;
  if (!attribute.multiValued && valueSub) {
    // A single-valued complex attribute with a `value` (enterprise manager, RFC 7643 §4.3) arrives from Entra
    // as a bare id, as {value}, or as a legacy one-element array; "" and {value: ""} mean "no manager"
    // (docs/entra.md §7.2).
    if (Array.isArray(input)) {
      if (input.length === 0) return null;
      if (input.length > 1) throw invalid(path, 'a single complex value', raw);
      input = input[0];
      if (input === null || input === undefined) return null;
    }
    if (typeof input === 'string' || typeof input === 'number') {
      if (input === '') return null;
      input = { [valueSub.name]: input };
    }
  }
  if (!isPlainObject(input)) throw invalid(path, 'a complex value (a JSON object)', raw);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const sub = findAttribute(attribute.subAttributes ?? [], key);
    if (!sub) {
      throw ScimError.invalidValue(`Attribute '${path}' has no sub-attribute '${key}'`);
    }
    if (options.ignoreReadOnly && sub.mutability === 'readOnly') continue;
    const coerced = coerceValue(sub, value, `${path}.${sub.name}`, options);
    if (coerced === null) continue;
    out[sub.name] = coerced;
  }
  if (!attribute.multiValued && valueSub && out[valueSub.name] === '') return null;
  return Object.keys(out).length === 0 ? null : out;
}
