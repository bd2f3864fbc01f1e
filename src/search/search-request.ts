import { ScimError } from '../scim/errors';
import { SEARCH_REQUEST_SCHEMA } from '../scim/schema/schema-urns';
import { ListQuery } from '../resources/resource.types';

function stringOrList(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(',');
  throw ScimError.invalidSyntax(`SearchRequest "${key}" must be an array of attribute paths`);
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw ScimError.invalidSyntax(`SearchRequest "${key}" must be a string`);
  return value;
}

/**
 * RFC 7644 §3.4.3: a SearchRequest carries the query parameters of GET in a body, so that filters with
 * personal data stay out of URLs and logs. Attribute names are matched case-insensitively (RFC 7643 §2.1).
 */
export function parseSearchRequest(raw: unknown): ListQuery {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw ScimError.invalidSyntax('The request body must be a SearchRequest JSON object');
  }
  const body = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), v]));
  const schemas = body.schemas;
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SEARCH_REQUEST_SCHEMA.toLowerCase())
  ) {
    throw ScimError.invalidSyntax(`A SearchRequest must list "${SEARCH_REQUEST_SCHEMA}" in schemas`);
  }
  return {
    attributes: stringOrList(body, 'attributes'),
    excludedAttributes: stringOrList(body, 'excludedattributes'),
    filter: optionalString(body, 'filter'),
    sortBy: optionalString(body, 'sortby'),
    sortOrder: optionalString(body, 'sortorder'),
    startIndex: body.startindex,
    count: body.count,
    cursor: body.cursor,
  };
}
