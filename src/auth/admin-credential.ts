import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * ADMIN_TOKEN, compared in constant time (equal-length SHA-256 digests). Used by the admin API's AdminGuard and,
 * on the SSF stream management routes only, by the SCIM guard (issue 13: "authorised with the admin credential
 * or a per-tenant stream-management credential").
 */
export class AdminCredential {
  private readonly expected?: Buffer;

  constructor(adminToken: string | undefined) {
    if (adminToken !== undefined) this.expected = digest(adminToken);
  }

  get configured(): boolean {
    return this.expected !== undefined;
  }

  /** Whether an Authorization header is `Bearer <ADMIN_TOKEN>` (RFC 6750 §2.1: the header, never the query). */
  matchesHeader(header: string | undefined): boolean {
    if (!this.expected || header === undefined) return false;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match !== null && timingSafeEqual(digest(match[1]), this.expected);
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
