import { extensionStorageKey, SchemaRegistry } from '../schema/schema.registry';
import { parseUndeclaredExtensionPath } from '../schema/undeclared-extension';
import { AttributeSelection } from './attribute-selection';
import { compiledProjection } from './projection-cache';
import { ProjectionContext } from './projection.types';

/**
 * Storage → wire (RFC 7643 §2.4 "returned", RFC 7644 §3.9 attributes / excludedAttributes): the parameters
 * parsed, what a response will carry, and the projection itself (compiled-projection.ts).
 */

export type { GroupRef, MemberRef, ProjectionContext, ResourceContext } from './projection.types';

const lower = (s: string) => s.toLowerCase();

/**
 * Resolves a comma-separated `attributes` / `excludedAttributes` parameter (RFC 7644 §3.9, §3.10 notation)
 * into canonical paths. Unknown attributes and URNs of unknown schemas are kept as given: they designate
 * nothing (a client asking for an attribute we do not have simply gets nothing for it), but they still count
 * as a request — RFC 7644 §3.9 `attributes` replaces the default set, so `attributes=nosuch` must not fall
 * back to the full resource. Duplicates (case-insensitive) and empty items are dropped.
 */
export function parseAttributeList(
  registry: SchemaRegistry,
  resourceType: string,
  csv: string | undefined,
): string[] {
  if (!csv) return [];
  const out = new Map<string, string>();
  for (const item of csv.split(',')) {
    const path = item.trim();
    if (!path) continue;
    let canonical: string | undefined;
    const split = registry.splitUrn(resourceType, path);
    if (split && split.rest === '') canonical = split.schema.id;
    else if (split) canonical = registry.resolve(resourceType, path)?.path;
    else {
      const dynamic = parseUndeclaredExtensionPath(registry, resourceType, path);
      if (dynamic)
        canonical = dynamic.attributeName ? `${dynamic.urn}:${dynamic.attributeName}` : dynamic.urn;
    }
    canonical ??= path;
    if (!out.has(lower(canonical))) out.set(lower(canonical), canonical);
  }
  return [...out.values()];
}

/**
 * Whether a top-level attribute (e.g. "members", "groups") will appear in the response, so the caller can skip
 * loading it: a group read with excludedAttributes=members must not load 100k membership records.
 */
export function wantsAttribute(
  registry: SchemaRegistry,
  resourceType: string,
  path: string,
  query: { attributes?: string[]; excludedAttributes?: string[] } = {},
): boolean {
  const resolved = registry.resolve(resourceType, path);
  if (!resolved) return false;
  const definition = resolved.parent ?? resolved.attribute;
  const scope = resolved.isExtension ? extensionStorageKey(resolved.schema.id) : '';
  const selection = new AttributeSelection(
    registry,
    resourceType,
    query.attributes,
    query.excludedAttributes,
  );
  return selection.topLevel(scope, definition) !== undefined;
}

/**
 * The SCIM representation of a stored document. Callers projecting many documents under one selection take
 * compiledProjection() once instead: the same result, without the cache lookup per document.
 */
export function toScimResource(
  registry: SchemaRegistry,
  resourceType: string,
  doc: Record<string, unknown>,
  context: ProjectionContext,
): Record<string, unknown> {
  return compiledProjection(
    registry,
    resourceType,
    context.attributes,
    context.excludedAttributes,
  )(doc, context);
}
