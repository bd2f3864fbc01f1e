import { ScimError } from '../scim/errors';

/** Strips the weak prefix: RFC 7232 §2.3.2 weak comparison, as RFC 7644 §3.14 versions are weak ETags. */
function opaque(tag: string): string {
  const trimmed = tag.trim();
  return trimmed.startsWith('W/') ? trimmed.slice(2) : trimmed;
}

function tags(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

/** RFC 7644 §3.14 / RFC 7232 §3.1: a stale If-Match on PUT, PATCH or DELETE answers 412. */
export function assertIfMatch(header: string | undefined, currentVersion: string): void {
  if (header === undefined || header.trim() === '') return;
  const wanted = tags(header);
  if (wanted.includes('*')) return;
  if (!wanted.some((t) => opaque(t) === opaque(currentVersion))) {
    throw ScimError.preconditionFailed(
      `The resource has changed: its version is ${currentVersion}, the request expected ${header}`,
    );
  }
}

/** RFC 7232 §3.2: If-None-Match matching the current version lets a GET answer 304 Not Modified. */
export function matchesIfNoneMatch(header: string | undefined, currentVersion: string): boolean {
  if (header === undefined || header.trim() === '') return false;
  const wanted = tags(header);
  return wanted.includes('*') || wanted.some((t) => opaque(t) === opaque(currentVersion));
}
