import { BoundedLru } from '../bounded-lru';
import { SchemaRegistry } from '../schema/schema.registry';
import { CompiledProjection, compileProjection } from './compiled-projection';

/**
 * Non-default selections kept compiled, per registry. Clients choose `attributes` freely, so a bound keeps
 * arbitrary lists from growing memory; a client cycling through many lists only costs recompilation (a plan
 * is about as costly to build as one interpreted projection), never a wrong answer.
 */
export const MAX_CACHED_SELECTIONS = 64;

interface ProjectionCache {
  /** The default selection (no attributes, no excludedAttributes), per resource type: never evicted. */
  defaults: Map<string, CompiledProjection>;
  /** Others (see MAX_CACHED_SELECTIONS). */
  selections: BoundedLru<string, CompiledProjection>;
}

/**
 * Keyed by the registry object: a registry never changes after it is built (SchemaRegistry has no way to add
 * a schema, an extension or a resource type, createRegistry deep-copies the definitions, and the application
 * builds its one registry at boot from schema-extensions.json), so a plan stays right as long as its registry
 * lives, a registry built later (another configuration, a test) starts with no plans, and a dropped registry
 * drops its plans.
 */
const cacheByRegistry = new WeakMap<SchemaRegistry, ProjectionCache>();

/** The compiled projection of a selection, compiled on first use (see MAX_CACHED_SELECTIONS). */
export function compiledProjection(
  registry: SchemaRegistry,
  resourceType: string,
  attributes?: string[],
  excludedAttributes?: string[],
): CompiledProjection {
  let cache = cacheByRegistry.get(registry);
  if (!cache) {
    cache = { defaults: new Map(), selections: new BoundedLru(MAX_CACHED_SELECTIONS) };
    cacheByRegistry.set(registry, cache);
  }
  // Empty lists select what absent ones do (AttributeSelection: `attributes` counts only when non-empty).
  if (!attributes?.length && !excludedAttributes?.length) {
    let compiled = cache.defaults.get(resourceType);
    if (!compiled) {
      compiled = compileProjection(registry, resourceType);
      cache.defaults.set(resourceType, compiled);
    }
    return compiled;
  }
  // JSON, so that no list of paths can collide with another (paths may hold any character).
  const key = JSON.stringify([resourceType, attributes ?? [], excludedAttributes ?? []]);
  return cache.selections.getOrCreate(key, () =>
    compileProjection(registry, resourceType, attributes, excludedAttributes),
  );
}
