import { QueryDocument } from '../ports';

/** Documents whose `field` holds one of `values` (a hash-index probe). */
export interface IndexLookup {
  field: string;
  values: string[];
}

/**
 * One way to get candidates: the union of its lookups is a superset of the matching documents.
 * Candidates are always re-tested against the whole query, so a plan only has to never miss a match.
 */
export type CandidatePlan = IndexLookup[];

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof RegExp) &&
    Object.keys(value).some((k) => k.startsWith('$'))
  );
}

/**
 * The string values an equality-like condition can match, or null when it is not an index probe.
 * `{f: "x"}`, `{f: {$eq: "x"}}` and `{f: {$in: ["x", "y"]}}` qualify (other operators beside them only narrow
 * further); regexes, numbers and nulls do not, because the hash indexes hold strings only.
 */
export function equalityValues(condition: unknown): string[] | null {
  if (typeof condition === 'string') return [condition];
  if (!isOperatorObject(condition)) return null;
  if (typeof condition.$eq === 'string') return [condition.$eq];
  const $in = condition.$in;
  if (Array.isArray($in) && $in.every((v): v is string => typeof v === 'string')) return [...new Set($in)];
  return null;
}

/**
 * Ways to answer `query` from the hash indexes on `indexedFields`. Each top-level field equality (and each
 * one inside a top-level `$and`) is an alternative on its own, since the conditions are conjunctive; an `$or`
 * is usable only when every branch is, as the union of one plan per branch. Empty when a scan is needed.
 */
export function planQuery(query: QueryDocument, indexedFields: ReadonlySet<string>): CandidatePlan[] {
  const plans: CandidatePlan[] = [];
  for (const [key, condition] of Object.entries(query)) {
    if (indexedFields.has(key)) {
      const values = equalityValues(condition);
      if (values) plans.push([{ field: key, values }]);
    } else if (key === '$and' && Array.isArray(condition)) {
      for (const clause of condition) {
        if (isQueryDocument(clause)) plans.push(...planQuery(clause, indexedFields));
      }
    } else if (key === '$or' && Array.isArray(condition) && condition.length > 0) {
      const union: IndexLookup[] = [];
      for (const branch of condition) {
        const branchPlans = isQueryDocument(branch) ? planQuery(branch, indexedFields) : [];
        if (branchPlans.length === 0) {
          union.length = 0;
          break;
        }
        union.push(...fewestValues(branchPlans));
      }
      if (union.length > 0) plans.push(union);
    }
  }
  return plans;
}

function isQueryDocument(value: unknown): value is QueryDocument {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Without the index sizes at hand, the plan probing the fewest values is the best guess for an $or branch. */
function fewestValues(plans: CandidatePlan[]): CandidatePlan {
  const size = (plan: CandidatePlan) => plan.reduce((n, lookup) => n + lookup.values.length, 0);
  return plans.reduce((best, plan) => (size(plan) < size(best) ? plan : best));
}

/**
 * Whether an index probe answers `query` exactly, so its candidates need no re-test: the query is one indexed
 * field compared by a plain string, `$eq` or `$in` alone (the hash index holds exactly those documents).
 * Re-testing `{id: {$in: [10,000 ids]}}` with mingo costs O(ids) per candidate, i.e. quadratic; a group read
 * that resolves 10,000 member names would take tens of seconds.
 */
export function isExactProbe(query: QueryDocument, indexedFields: ReadonlySet<string>): boolean {
  const keys = Object.keys(query);
  if (keys.length !== 1 || !indexedFields.has(keys[0])) return false;
  const condition = query[keys[0]];
  if (typeof condition === 'string') return true;
  if (!isOperatorObject(condition) || Object.keys(condition).length !== 1) return false;
  return equalityValues(condition) !== null;
}
