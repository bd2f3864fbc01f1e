/**
 * Collects the string values at `segments` below `value` into `keys`, descending into arrays of objects on the
 * way and taking every string of an array at the end (a multi-key index holds each of them).
 */
function collectKeys(value: unknown, segments: readonly string[], at: number, keys: string[]): void {
  if (at === segments.length) {
    if (typeof value === 'string') keys.push(value);
    else if (Array.isArray(value)) for (const item of value) if (typeof item === 'string') keys.push(item);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (!Array.isArray(value)) {
    collectKeys((value as Record<string, unknown>)[segments[at]], segments, at + 1, keys);
    return;
  }
  for (const item of value) {
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      collectKeys((item as Record<string, unknown>)[segments[at]], segments, at + 1, keys);
    }
  }
}

/** The distinct string values at the path `segments` of `doc`, in the order they first appear. */
export function keysAt(doc: Record<string, unknown>, segments: readonly string[]): string[] {
  const keys: string[] = [];
  collectKeys(doc, segments, 0, keys);
  return keys.length > 1 ? [...new Set(keys)] : keys;
}

/** The string values at a dotted path, descending into arrays (the keys a multi-key index holds). */
export function indexKeys(doc: Record<string, unknown>, path: string): string[] {
  return keysAt(doc, path.split('.'));
}

/**
 * A hash index on one field of a collection: value → the ids of the documents holding it.
 *
 * Most values are held by one document (userName, externalId, an email, every unique key), so such an entry is
 * the id itself and only a value shared by several documents gets a Set: with 100,000 users and four indexes
 * that is 400,000 Sets fewer, about 50 MB less memory and a second less work when the store loads at boot.
 */
export class FieldIndex {
  private readonly segments: readonly string[];
  private readonly entries = new Map<string, string | Set<string>>();

  constructor(readonly field: string) {
    this.segments = field.split('.');
  }

  /** The ids of the documents whose field holds `value`, possibly the index's own Set: callers must not change it. */
  idsOf(value: string): Iterable<string> {
    const ids = this.entries.get(value);
    if (ids === undefined) return [];
    return typeof ids === 'string' ? [ids] : ids;
  }

  add(id: string, doc: Record<string, unknown>): void {
    for (const key of keysAt(doc, this.segments)) {
      const ids = this.entries.get(key);
      if (ids === undefined) this.entries.set(key, id);
      else if (typeof ids !== 'string') ids.add(id);
      else if (ids !== id) this.entries.set(key, new Set([ids, id]));
    }
  }

  remove(id: string, doc: Record<string, unknown>): void {
    for (const key of keysAt(doc, this.segments)) {
      const ids = this.entries.get(key);
      if (ids === id) {
        this.entries.delete(key);
      } else if (ids !== undefined && typeof ids !== 'string' && ids.delete(id)) {
        if (ids.size === 1) this.entries.set(key, ids.values().next().value!);
      }
    }
  }
}
