/**
 * NATS subjects (NATS docs, "Subject-Based Messaging"): `.`-separated tokens; `*` matches one token, `>` the
 * rest; a token cannot contain `.`, `*`, `>` or whitespace.
 */
import type { StreamEvent } from '../stream-event';

/** Replaces what a token cannot hold with `_` (a tenant id or resource type could contain a `.`). */
export function subjectToken(value: string): string {
  const token = value.replace(/[.*>\s]/g, '_');
  return token === '' ? '_' : token;
}

/**
 * `<prefix>.<tenant>.<resourceType>.<type>` (prefix NATS_SUBJECT_PREFIX, `scim` by default), the type's dots kept
 * as tokens (user.created → user.created).
 */
export function defaultSubject(event: StreamEvent, prefix = 'scim'): string {
  const typeTokens = event.type.split('.').map(subjectToken).join('.');
  return `${prefix}.${subjectToken(event.tenant)}.${subjectToken(event.resource.type)}.${typeTokens}`;
}

/** A subject one may publish to: non-empty tokens, no wildcards, no whitespace. */
export function isPublishableSubject(subject: string): boolean {
  return subject.split('.').every((token) => token !== '' && !/[*>\s]/.test(token));
}

/** Whether `subject` falls under `filter` (which may hold `*` and a trailing `>`). */
export function subjectMatches(filter: string, subject: string): boolean {
  const filterTokens = filter.split('.');
  const subjectTokens = subject.split('.');
  for (let i = 0; i < filterTokens.length; i++) {
    const token = filterTokens[i];
    if (token === '>') return subjectTokens.length > i;
    if (i >= subjectTokens.length) return false;
    if (token !== '*' && token !== subjectTokens[i]) return false;
  }
  return filterTokens.length === subjectTokens.length;
}
