/** The PATCH engine (RFC 7644 §3.5.2): a pure function from (resource, PatchOp body) to (new resource, delta). */
export { applyPatch } from './patch.engine';
export type { MemberRef, MembersDelta, PatchOptions, PatchResult, StorageAttributes } from './patch.types';
export { matchesValueFilter } from './value-filter.matcher';
export { parsePatchRequest, DEFAULT_MAX_OPERATIONS } from './patch-request.parser';
export type { PatchOperation, PatchOpName } from './patch-request.parser';
export { resolvePatchTarget } from './patch-target.resolver';
export type {
  PatchTarget,
  AttributeTarget,
  ExtensionTarget,
  UndeclaredTarget,
} from './patch-target.resolver';
