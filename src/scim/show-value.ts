/**
 * A short rendering of a client-supplied value for an error message, e.g. `"abc"`, `42`, `{"value":[…]}`.
 * It can never throw and never recurses: only the top level and one level below are shown, strings and
 * collections are cut before they are rendered (typeof and length, no JSON.stringify of the whole value), so a
 * value nested thousands of levels deep or megabytes long costs no more than a flat one.
 */
export function showValue(raw: unknown, max = 80): string {
  const text = showTop(raw, max);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

const MAX_MEMBERS = 8;

function showTop(raw: unknown, max: number): string {
  if (Array.isArray(raw)) {
    const shown = raw.slice(0, MAX_MEMBERS).map((item) => showScalar(item, max));
    return `[${shown.join(',')}${raw.length > MAX_MEMBERS ? ',…' : ''}]`;
  }
  if (isObject(raw)) {
    const keys = Object.keys(raw);
    const shown = keys
      .slice(0, MAX_MEMBERS)
      .map((key) => `${showString(key, max)}:${showScalar(raw[key], max)}`);
    return `{${shown.join(',')}${keys.length > MAX_MEMBERS ? ',…' : ''}}`;
  }
  return showScalar(raw, max);
}

/** A value below the top level: scalars as JSON, collections as `[…]` / `{…}` (or `[]` / `{}` when empty). */
function showScalar(raw: unknown, max: number): string {
  if (Array.isArray(raw)) return raw.length === 0 ? '[]' : '[…]';
  if (isObject(raw)) return Object.keys(raw).length === 0 ? '{}' : '{…}';
  switch (typeof raw) {
    case 'string':
      return showString(raw, max);
    case 'number':
    case 'boolean':
      return String(raw);
    case 'bigint':
      return `${raw}n`;
    case 'undefined':
      return 'undefined';
    case 'symbol':
    case 'function':
      return typeof raw;
    default:
      return 'null';
  }
}

function showString(value: string, max: number): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

function isObject(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null;
}
