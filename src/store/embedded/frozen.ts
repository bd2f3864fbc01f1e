/**
 * Reads of the embedded store hand out the stored document itself instead of a copy (a structuredClone per
 * read was a sixth of a GET's CPU and most of its garbage). To make that safe, a document is deep-frozen the
 * first time it is read: a caller that changes what it was given throws a TypeError (every module is strict)
 * instead of silently changing the store. Writers never change a read document: the PATCH engine and the
 * projection copy what they change (src/scim/patch/patch.engine.ts, src/scim/projection/projection.ts).
 * A stored document is never changed in place; a write replaces it with a new object.
 */
export function frozen<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) frozen(child);
  return value;
}
