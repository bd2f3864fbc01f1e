/**
 * Pure builders for what the Mongo adapter sends: filters scoped to a tenant, and the aggregation pipeline
 * that reproduces the shared find semantics (store-query.util.ts) on the server. No I/O here, so CI checks
 * them without a MongoDB (the specs run the pipelines through mingo and compare with the embedded order).
 */
import { FindOptions, QueryDocument, SortSpec } from '../ports';
import { normalizeFieldPaths, normalizePage } from '../store-query.util';

/** Names of the helper fields the pipeline adds and removes again; `_` fields never reach SCIM output. */
export const SORT_KEY_FIELD = '__sortKey';
export const SORT_MISSING_FIELD = '__sortMissing';

/**
 * The compiled filter, confined to one tenant and type. The filter is nested under `$and` rather than
 * spread, so no key of it can replace `_tenant` or `_type`.
 */
export function scopedFilter(tenantId: string, resourceType: string, query: QueryDocument): QueryDocument {
  const scope: QueryDocument = { _tenant: tenantId, _type: resourceType };
  return Object.keys(query).length === 0 ? scope : { ...scope, $and: [query] };
}

/** Expression literal for a field name that may contain `$` or `.`-free URN characters. */
function fieldName(name: string): unknown {
  return { $literal: name };
}

/** RFC 7644 §3.4.2.3: of an array, the element with `primary: true`, else the first; other values as they are. */
function pickOneExpression(value: string): unknown {
  return {
    $cond: [
      { $isArray: value },
      {
        $ifNull: [
          { $first: { $filter: { input: value, as: 'e', cond: { $eq: ['$$e.primary', true] } } } },
          { $first: value },
        ],
      },
      value,
    ],
  };
}

/**
 * Aggregation expression for sortKey(doc, path) of store-query.util.ts: walks the path one field at a time,
 * picking one element wherever it meets an array. (MongoDB's own $sort would use the smallest element of an
 * array for an ascending sort, which is not what RFC 7644 asks.) Needs MongoDB 5.0+ ($getField).
 * With `caseInsensitive` (SortSpec), a string key is lower-cased with $toLower, which in MongoDB folds ASCII
 * letters only (SERVER-32141), exactly foldAsciiCase of the embedded store. (mingo's $toLower folds all of
 * Unicode, so the specs that run this through mingo compare the two on ASCII text.)
 */
export function sortKeyExpression(path: string, caseInsensitive = false): unknown {
  const segments = path.split('.');
  let expression: unknown = '$$ROOT';
  segments.forEach((segment, i) => {
    const container = `$$c${i}`;
    expression = {
      $let: {
        vars: { [`c${i}`]: pickOneOrRoot(expression, i) },
        in: {
          $cond: [
            { $eq: [{ $type: container }, 'object'] },
            { $getField: { field: fieldName(segment), input: container } },
            null,
          ],
        },
      },
    };
  });
  const key = { $let: { vars: { v: expression }, in: pickOneExpression('$$v') } };
  if (!caseInsensitive) return key;
  // Only strings: $toLower would turn a number into a string and null into "" (changing its place).
  return {
    $let: {
      vars: { k: key },
      in: { $cond: [{ $eq: [{ $type: '$$k' }, 'string'] }, { $toLower: '$$k' }, '$$k'] },
    },
  };
}

function pickOneOrRoot(expression: unknown, depth: number): unknown {
  if (depth === 0) return expression; // $$ROOT is the document itself
  return { $let: { vars: { p: expression }, in: pickOneExpression('$$p') } };
}

/** Inclusion projection for FindOptions.fields (always without `_id`). */
export function projectionOf(fields: readonly string[] | undefined): Record<string, 0 | 1> {
  if (fields === undefined) return { _id: 0 };
  const projection: Record<string, 0 | 1> = { _id: 0 };
  for (const path of normalizeFieldPaths(fields)) projection[path] = 1;
  return projection;
}

/**
 * The `$sort` stage of a sorted find: missing keys last when ascending, first when descending
 * (RFC 7644 §3.4.2.3), ties by id ascending. MongoDB sorts a missing field before every value, hence the
 * explicit flag.
 */
export function sortStage(sort: SortSpec | undefined): Record<string, 1 | -1> {
  if (!sort) return { id: 1 };
  return { [SORT_MISSING_FIELD]: sort.direction, [SORT_KEY_FIELD]: sort.direction, id: 1 };
}

/**
 * Sort fields that hold a present string in every document of the type, never an array, and that need no
 * folding: `id` and `meta.*` are set by the engine on every resource; `_ci.userName` and `_ci.displayName`
 * shadow attributes required by RFC 7643 §4.1.1 (User userName) and §4.2 (Group displayName), already
 * lower-cased. `unique` ones (per tenant and type, by a unique index) can never tie.
 */
const NATIVE_SORT_FIELDS: Readonly<Record<string, { types?: readonly string[]; unique: boolean }>> = {
  id: { unique: true },
  'meta.created': { unique: false },
  'meta.lastModified': { unique: false },
  '_ci.userName': { types: ['User'], unique: true },
  '_ci.displayName': { types: ['Group'], unique: true },
};

/**
 * The `$sort` stage that sorts on the field itself (so an index of RESOURCE_INDEXES can serve it) when that
 * gives exactly the order of sortDocuments, else undefined. It does for NATIVE_SORT_FIELDS: no value is ever
 * missing (so MongoDB's missing-first order never shows) nor an array (where MongoDB would use the smallest
 * element); `_ci` values are lower-cased already, so `caseInsensitive` folding changes nothing (toLowerCase
 * leaves no ASCII capital), while `id` and `meta.*` are sorted natively only without it.
 * A unique field sorts with `id` in the same direction (it never decides, and then one ascending index serves
 * both directions); other fields tie by id ascending, as everywhere.
 */
export function nativeSortStage(resourceType: string, sort: SortSpec): Record<string, 1 | -1> | undefined {
  const native = Object.prototype.hasOwnProperty.call(NATIVE_SORT_FIELDS, sort.field)
    ? NATIVE_SORT_FIELDS[sort.field]
    : undefined;
  if (!native || (native.types && !native.types.includes(resourceType))) return undefined;
  if (sort.caseInsensitive === true && !sort.field.startsWith('_ci.')) return undefined;
  if (sort.field === 'id') return { id: sort.direction };
  return { [sort.field]: sort.direction, id: native.unique ? sort.direction : 1 };
}

/** The aggregation pipeline for one page of a find. */
export function findPipeline(
  tenantId: string,
  resourceType: string,
  query: QueryDocument,
  options: FindOptions,
): Record<string, unknown>[] {
  const { skip, limit } = normalizePage(options);
  const pipeline: Record<string, unknown>[] = [{ $match: scopedFilter(tenantId, resourceType, query) }];
  const native = options.sort && nativeSortStage(resourceType, options.sort);
  if (native) {
    // No computed key: an index of RESOURCE_INDEXES walks the order, so a page costs O(skip + page).
    pipeline.push({ $sort: native });
    if (skip > 0) pipeline.push({ $skip: skip });
    pipeline.push({ $limit: Math.max(limit, 1) }, { $project: projectionOf(options.fields) });
    return pipeline;
  }
  if (options.sort) {
    pipeline.push(
      {
        $addFields: {
          [SORT_KEY_FIELD]: sortKeyExpression(options.sort.field, options.sort.caseInsensitive === true),
        },
      },
      {
        $addFields: {
          [SORT_MISSING_FIELD]: {
            $cond: [{ $in: [{ $type: `$${SORT_KEY_FIELD}` }, ['missing', 'null']] }, 1, 0],
          },
        },
      },
    );
  }
  pipeline.push({ $sort: sortStage(options.sort) });
  if (skip > 0) pipeline.push({ $skip: skip });
  pipeline.push({ $limit: Math.max(limit, 1) });
  const projection = projectionOf(options.fields);
  if (options.sort && options.fields === undefined) {
    pipeline.push({ $project: { ...projection, [SORT_KEY_FIELD]: 0, [SORT_MISSING_FIELD]: 0 } });
  } else {
    pipeline.push({ $project: projection });
  }
  return pipeline;
}
