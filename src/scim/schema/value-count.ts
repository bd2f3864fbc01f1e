import { ScimError } from '../errors';
import { GROUP_SCHEMA } from './schema-urns';

/** Levels below the resource that can hold a multi-valued attribute: extension › complex › sub-attribute. */
const MAX_LEVELS = 3;

/**
 * 400 invalidValue when one multi-valued attribute of a resource about to be written holds more than `max`
 * values (MAX_VALUES_PER_ATTRIBUTE), wherever it sits: core, extension, or a multi-valued sub-attribute. Run on
 * the document as it will be stored, so POST, PUT, the result of a PATCH and Bulk are all capped alike.
 *
 * invalidValue, not tooMany: RFC 7644 §3.12 defines tooMany for a filter that yields more results than the server
 * will process (GET, POST /.search), and invalidValue for a value "not compatible with the operation or attribute
 * type ... or resource schema" on POST, PUT and PATCH; ATTRIBUTE_MAX_LENGTH answers the same way.
 *
 * A Group's `members` are excepted: memberships are stored apart from the document and paged.
 */
export function assertValueCounts(
  resourceType: string,
  attributes: Record<string, unknown>,
  max: number,
): void {
  const pending: [value: unknown, path: string, level: number][] = [];
  for (const [name, value] of Object.entries(attributes)) {
    if (resourceType === 'Group' && (name === 'members' || name === `${GROUP_SCHEMA}:members`)) continue;
    pending.push([value, name, 0]);
  }
  while (pending.length > 0) {
    const [value, path, level] = pending.pop()!;
    if (Array.isArray(value)) {
      if (value.length > max) {
        throw ScimError.invalidValue(
          `Attribute '${path}' has ${value.length} values; at most ${max} are accepted (MAX_VALUES_PER_ATTRIBUTE)`,
        );
      }
      if (level < MAX_LEVELS) for (const item of value) pending.push([item, path, level + 1]);
    } else if (typeof value === 'object' && value !== null && level < MAX_LEVELS) {
      // An extension's attributes are named `urn:…:name` (RFC 7644 §3.10), a sub-attribute `name.sub`.
      const separator = level === 0 && path.startsWith('urn:') ? ':' : '.';
      for (const [name, child] of Object.entries(value)) {
        pending.push([child, `${path}${separator}${name}`, level + 1]);
      }
    }
  }
}
