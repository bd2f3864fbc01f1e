/**
 * Subjects of SSF 1.0 §8.1.3 (add/remove subject) for a stream of SCIM provisioning events. Pure.
 *
 * A stream covers every resource of its tenant (`default_subjects: "ALL"`): removing a subject stops the
 * events about it, adding it back resumes them (adding a subject that was never removed changes nothing).
 * Subjects are named as the SETs name them (RFC 9967 `sub_id`): `{"format": "scim", "uri": "/Users/<id>"}`
 * (or "/Groups/<id>"), or `{"format": "opaque", "id": "<resource id>"}`. Other formats (email, …) are refused
 * with 400: matching them would need a lookup whose answer changes with the data, and a receiver must be able
 * to rely on exactly which events stop.
 */

/** The most subjects one stream may have removed: the list lives on the subscription record. */
export const MAX_EXCLUDED_SUBJECTS = 1000;

export const SUPPORTED_SUBJECT_FORMATS = ['scim', 'opaque'] as const;

const ENDPOINT_TYPES: Record<string, string> = { Users: 'User', Groups: 'Group' };
const SCIM_URI = /^(?:.*\/)?(Users|Groups)\/([^/?#]+)$/;

export class SubjectError extends Error {}

/**
 * The filter keys (`<resourceType>/<id>`, subscription-filter.ts) a subject stands for. `scim`: its `uri`
 * names one resource. `opaque`: the id of a resource, User or Group (ids are UUIDs: one of them at most exists).
 */
export function subjectKeys(subject: unknown): string[] {
  if (typeof subject !== 'object' || subject === null || Array.isArray(subject)) {
    throw new SubjectError('subject must be a JSON object (a Subject Identifier, RFC 9493)');
  }
  const { format, uri, id } = subject as Record<string, unknown>;
  if (format === 'scim') {
    const match = typeof uri === 'string' ? SCIM_URI.exec(uri) : null;
    if (!match) {
      throw new SubjectError('subject.uri of the scim format must be "/Users/<id>" or "/Groups/<id>"');
    }
    return [`${ENDPOINT_TYPES[match[1]]}/${decodeURIComponent(match[2])}`];
  }
  if (format === 'opaque') {
    if (typeof id !== 'string' || id === '' || id.length > 256) {
      throw new SubjectError('subject.id of the opaque format must be the id of a User or Group');
    }
    return [`User/${id}`, `Group/${id}`];
  }
  throw new SubjectError(
    `subject.format ${JSON.stringify(format)} is not supported: ${SUPPORTED_SUBJECT_FORMATS.join(', ')}`,
  );
}

/** The removed subjects after removing (`remove: true`) or adding back the keys of one subject. */
export function withSubject(current: readonly string[], keys: readonly string[], remove: boolean): string[] {
  const next = new Set(current);
  for (const key of keys) {
    if (remove) next.add(key);
    else next.delete(key);
  }
  if (next.size > MAX_EXCLUDED_SUBJECTS) {
    throw new SubjectError(`A stream may have at most ${MAX_EXCLUDED_SUBJECTS} subjects removed`);
  }
  return [...next];
}
