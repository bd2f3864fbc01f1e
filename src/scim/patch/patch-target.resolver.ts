import { ScimError } from '../errors';
import { formatAttrPath, FilterNode } from '../filter/filter.ast';
import { parsePatchPath } from '../filter/filter.parser';
import { AttributeDefinition, SchemaDefinition } from '../schema/attribute-definition';
import {
  extensionStorageKey,
  findAttribute,
  ResolvedAttribute,
  SchemaRegistry,
} from '../schema/schema.registry';
import { parseUndeclaredExtensionPath } from '../schema/undeclared-extension';

/** What a PATCH path designates in a resource of one type (RFC 7644 §3.5.2, §3.10). */
export type PatchTarget = AttributeTarget | ExtensionTarget | UndeclaredTarget;

/** A declared attribute: `userName`, `name.givenName`, `emails[type eq "work"].value`, `urn:…:User:manager`. */
export interface AttributeTarget {
  kind: 'attribute';
  /** The path as the client wrote it, for messages. */
  text: string;
  /** Canonical path of the top-level attribute: `emails`, `urn:…:enterprise:2.0:User:manager`. */
  attributePath: string;
  schema: SchemaDefinition;
  isExtension: boolean;
  /** Field of the document holding the extension object; undefined for core attributes. */
  containerKey?: string;
  /** The top-level attribute. */
  attribute: AttributeDefinition;
  /** The sub-attribute, from `attr.sub` or `attr[filter].sub`. */
  sub?: AttributeDefinition;
  /** The value filter of `attr[filter]`, validated against the attribute's sub-attributes. */
  filter?: FilterNode;
}

/** A declared extension schema URN alone: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`. */
export interface ExtensionTarget {
  kind: 'extension';
  text: string;
  schema: SchemaDefinition;
  containerKey: string;
}

/** An attribute (or the whole object) of an extension the registry does not declare (docs/entra.md §7.4). */
export interface UndeclaredTarget {
  kind: 'undeclared';
  text: string;
  urn: string;
  containerKey: string;
  /** Undefined when the path is the URN alone. */
  attributeName?: string;
}

export interface ResolveOptions {
  strictExtensions: boolean;
  /**
   * The text is a key of an operation's `value` (a path-less add/replace, an extension object), not its `path`:
   * a key naming no attribute is a value that does not fit the resource schema, 400 invalidValue (RFC 7644
   * §3.12: invalidPath is about the "path" attribute).
   */
  inValue?: boolean;
}

/**
 * Resolves a PATCH path against the registry. Syntax errors are 400 invalidPath, except inside the brackets
 * of a value filter, which are 400 invalidFilter (RFC 7644 §3.12 Table 9: "PATCH (Path Filter)"); a path
 * naming nothing the resource type has is 400 invalidPath.
 * Mutability is NOT checked here: it depends on the operation (see patch.engine.ts).
 */
export function resolvePatchTarget(
  registry: SchemaRegistry,
  resourceType: string,
  text: string,
  options: ResolveOptions,
): PatchTarget {
  const trimmed = text.trim();
  if (trimmed.toLowerCase().startsWith('urn:') && !trimmed.includes('[')) {
    // A schema URN alone contains "." ("2.0") and would otherwise parse as `urn:…:2.0` + attribute `User`.
    const split = registry.splitUrn(resourceType, trimmed);
    if (split && split.rest === '') {
      if (!split.isExtension) {
        throw ScimError.invalidPath(
          `The path "${trimmed}" names the core schema; name one of its attributes`,
        );
      }
      return {
        kind: 'extension',
        text: trimmed,
        schema: split.schema,
        containerKey: extensionStorageKey(split.schema.id),
      };
    }
    const undeclared = parseUndeclaredExtensionPath(registry, resourceType, trimmed);
    if (undeclared) {
      if (options.strictExtensions) {
        throw ScimError.invalidPath(
          `The path "${trimmed}" names schema extension "${undeclared.urn}", which this server does not declare`,
        );
      }
      return {
        kind: 'undeclared',
        text: trimmed,
        urn: undeclared.urn,
        containerKey: undeclared.storageKey,
        attributeName: undeclared.attributeName,
      };
    }
  }

  const parsed = parsePatchPath(trimmed);
  const { path, filter, subAttr } = parsed;
  const top = path.uri !== undefined ? `${path.uri}:${path.attr}` : path.attr;
  const dotted = path.sub !== undefined ? `${top}.${path.sub}` : top;
  const resolved =
    registry.resolve(resourceType, dotted) ??
    (path.uri === undefined ? resolveInOneExtension(registry, resourceType, dotted) : undefined);
  if (!resolved) {
    const error = unknownPath(registry, resourceType, trimmed, path.uri);
    if (!options.inValue) throw error;
    throw ScimError.invalidValue(
      `The value holds "${trimmed}", which ${error.detail.replace(/^The path "[^]*?" /, '')}`,
    );
  }

  const attribute = resolved.parent ?? resolved.attribute;
  let sub = resolved.parent ? resolved.attribute : undefined;
  if (subAttr !== undefined) {
    sub = findAttribute(attribute.subAttributes ?? [], subAttr);
    if (!sub) {
      throw ScimError.invalidPath(
        `Attribute "${attribute.name}" has no sub-attribute "${subAttr}" (path "${trimmed}")`,
      );
    }
  }
  if (filter) {
    if (!attribute.multiValued && attribute.type !== 'complex') {
      throw ScimError.invalidPath(
        `A value filter needs a multi-valued or complex attribute; "${attribute.name}" is neither (path "${trimmed}")`,
      );
    }
    validateFilter(filter, attribute, trimmed);
  }
  const urnPrefix = resolved.isExtension ? `${resolved.schema.id}:` : '';
  const target: AttributeTarget = {
    kind: 'attribute',
    text: trimmed,
    attributePath: urnPrefix + attribute.name,
    schema: resolved.schema,
    isExtension: resolved.isExtension,
    attribute,
  };
  if (resolved.isExtension) target.containerKey = extensionStorageKey(resolved.schema.id);
  if (sub) target.sub = sub;
  if (filter) target.filter = filter;
  return target;
}

/**
 * An unqualified name the core schema lacks, looked up in the extensions when exactly one defines it (as the
 * filter compiler does): Entra's legacy manager update sends the bare path "manager" for the enterprise
 * `manager` (docs/entra.md §4.18), and RFC 7644 §3.10 only requires the URN where names would be ambiguous.
 */
function resolveInOneExtension(
  registry: SchemaRegistry,
  resourceType: string,
  dotted: string,
): ResolvedAttribute | undefined {
  const hits = registry
    .extensionSchemas(resourceType)
    .map((schema) => registry.resolve(resourceType, `${schema.id}:${dotted}`))
    .filter((r): r is ResolvedAttribute => r !== undefined);
  return hits.length === 1 ? hits[0] : undefined;
}

function unknownPath(
  registry: SchemaRegistry,
  resourceType: string,
  text: string,
  uri: string | undefined,
): ScimError {
  if (uri !== undefined && !registry.splitUrn(resourceType, `${uri}:x`)) {
    return ScimError.invalidPath(
      `The path "${text}" names schema "${uri}", which is not a schema of resource type ${resourceType}` +
        (uri.toLowerCase().startsWith('urn:ietf:params:scim:schemas:extension:')
          ? ' (attributes of undeclared extensions must be simple: no sub-attribute or filter)'
          : ''),
    );
  }
  return ScimError.invalidPath(`The path "${text}" names no attribute of resource type ${resourceType}`);
}

/**
 * Paths inside a value filter are sub-attributes of the filtered attribute (RFC 7644 §3.5.2); for a
 * multi-valued attribute of simple values only `value` exists. Unknown names are 400 invalidFilter (RFC 7644
 * §3.12 Table 9 lists "PATCH (Path Filter)" under invalidFilter, as the filter parser does for syntax errors
 * inside the brackets): a typo would otherwise silently select nothing.
 */
function validateFilter(node: FilterNode, attribute: AttributeDefinition, text: string): void {
  switch (node.kind) {
    case 'and':
    case 'or':
      validateFilter(node.left, attribute, text);
      validateFilter(node.right, attribute, text);
      return;
    case 'not':
      validateFilter(node.filter, attribute, text);
      return;
    case 'valuePath':
      throw ScimError.invalidFilter(`Value filters cannot be nested (path "${text}")`);
    case 'compare':
    case 'present': {
      const { uri, attr, sub } = node.path;
      const known =
        uri === undefined &&
        sub === undefined &&
        (attribute.type === 'complex'
          ? findAttribute(attribute.subAttributes ?? [], attr) !== undefined
          : attr.toLowerCase() === 'value');
      if (!known) {
        throw ScimError.invalidFilter(
          `The value filter of "${text}" refers to "${formatAttrPath(node.path)}", which is not a sub-attribute of "${attribute.name}"`,
        );
      }
    }
  }
}
