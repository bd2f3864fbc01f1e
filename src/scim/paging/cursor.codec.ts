import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'crypto';
import { ScimError } from '../errors';

/** A sort key value as it can travel in a keyset cursor (dateTimes travel as their ISO strings). */
export type CursorSortValue = string | number | boolean | null;

/**
 * Where the next page starts.
 * - offset: 0-based number of matching resources to skip (what FindOptions.skip takes).
 * - keyset: the page starts strictly after (or, going back, before) the resource with this sort value and id;
 *   ties on the sort value are broken by id, as the store orders them.
 */
export type CursorPosition =
  | { kind: 'offset'; offset: number }
  | { kind: 'keyset'; direction: 'after' | 'before'; sortValue: CursorSortValue; id: string };

/** What a cursor is bound to: the tenant, the endpoint, and the query (RFC 9865 §2: same parameters on every page). */
export interface CursorScope {
  tenantId: string;
  /** Resource type names searched (['User'], or several for a root-level search). */
  resourceTypes: readonly string[];
  /**
   * Canonical text of the query parameters that shape the result set (filter, sortBy, sortOrder, …), e.g. from
   * buildQueryFingerprint(). The cursor stores only a hash of it.
   */
  queryFingerprint: string;
}

export interface CursorState extends CursorScope {
  /** The page size of the query; RFC 9865 Table 3 requires later pages to ask for the same count. */
  count: number;
  position: CursorPosition;
  /** When the cursor was issued (epoch milliseconds); set by encode(). */
  issuedAt: number;
}

/** What the caller hands to encode(): issuedAt is always stamped by the codec's clock. */
export type CursorInput = Omit<CursorState, 'issuedAt'>;

/** What decode() checks the cursor against: the current request. */
export interface CursorExpectation {
  tenantId: string;
  queryFingerprint: string;
  /** When given, the cursor must have been issued for exactly these resource types (order does not matter). */
  resourceTypes?: readonly string[];
  /** When given, the effective count of this request; a different one is 400 invalidCount (RFC 9865 Table 3). */
  count?: number;
}

/** Builds a stable fingerprint text from query parts: keys sorted, undefined/null parts left out. */
export function buildQueryFingerprint(parts: Readonly<Record<string, unknown>>): string {
  const entries = Object.keys(parts)
    .filter((key) => parts[key] !== undefined && parts[key] !== null)
    .sort()
    .map((key) => [key, parts[key]]);
  return JSON.stringify(entries);
}

const VERSION = 1;
const IV_BYTES = 16;
const MAC_BYTES = 32;
export const MIN_KEY_BYTES = 32;
/** Same text for every rejection that could otherwise tell a client something about other tenants (RFC 9865 §5.2). */
const INVALID = 'cursor is not valid; request the first page again with an empty cursor';

interface Payload {
  t: string;
  r: string[];
  q: string;
  c: number;
  p: CursorPosition;
  i: number;
}

/**
 * Opaque, tamper-evident cursors (RFC 9865 §5.2: "obfuscate cursor values … detect forged cursor values").
 *
 * Wire form: base64url( version ‖ iv ‖ AES-256-CTR(payload) ‖ HMAC-SHA256(version ‖ iv ‖ ciphertext) ),
 * encrypt-then-MAC with two keys derived from the secret by HKDF. Encryption keeps sort values (user names,
 * e-mails) and tenant ids out of URLs and access logs; the MAC makes any change detectable. base64url uses only
 * RFC 3986 unreserved characters, as RFC 9865 §2 requires.
 *
 * The cursor is stateless: every replica that shares the secret can decode it, and there is nothing to store or
 * to exhaust (RFC 9865 §5.3).
 */
export class CursorCodec {
  private readonly encryptionKey: Buffer;
  private readonly macKey: Buffer;

  constructor(
    secret: Buffer,
    private readonly ttlSeconds: number,
    private readonly clock: () => number = Date.now,
  ) {
    // Configuration errors, not user input: fail at boot.
    if (secret.length < MIN_KEY_BYTES)
      throw new RangeError(`cursor secret must be at least ${MIN_KEY_BYTES} bytes`);
    if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0)
      throw new RangeError('cursor ttl must be a positive number of seconds');
    this.encryptionKey = Buffer.from(
      hkdfSync('sha256', secret, Buffer.alloc(0), 'scim-stream cursor encryption v1', 32),
    );
    this.macKey = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'scim-stream cursor mac v1', 32));
  }

  /** RFC 9865 §4 cursorTimeout: the minimum number of seconds a cursor stays valid. */
  get cursorTimeout(): number {
    return this.ttlSeconds;
  }

  encode(state: CursorInput): string {
    const payload: Payload = {
      t: state.tenantId,
      r: [...state.resourceTypes],
      q: fingerprintHash(state.queryFingerprint),
      c: state.count,
      p: state.position,
      i: this.clock(),
    };
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-ctr', this.encryptionKey, iv);
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
    const head = Buffer.concat([Buffer.from([VERSION]), iv, ciphertext]);
    return Buffer.concat([head, this.mac(head)]).toString('base64url');
  }

  /**
   * Checks a cursor and returns its state. Throws ScimError 400:
   * - invalidCursor: malformed, forged or altered, issued to another tenant, for another endpoint or query;
   * - expiredCursor: older than the ttl (checked only once the cursor is known to belong to this request);
   * - invalidCount: the request's count differs from the one the cursor was issued for.
   * The returned state carries the caller's queryFingerprint (the cursor holds only its hash).
   */
  decode(cursor: string, expected: CursorExpectation): CursorState {
    const payload = this.open(cursor);
    // Another tenant's cursor gets exactly the same answer as a forged one (RFC 9865 §5.2).
    if (payload.t !== expected.tenantId) throw new ScimError(400, 'invalidCursor', INVALID);
    if (expected.resourceTypes && !sameSet(payload.r, expected.resourceTypes)) {
      throw new ScimError(
        400,
        'invalidCursor',
        'cursor was issued for another endpoint; request the first page again',
      );
    }
    if (payload.q !== fingerprintHash(expected.queryFingerprint)) {
      throw new ScimError(
        400,
        'invalidCursor',
        'cursor was issued for a different query; repeat the original filter, sortBy and sortOrder (RFC 9865 §2)',
      );
    }
    const age = this.clock() - payload.i;
    if (age > this.ttlSeconds * 1000) {
      throw new ScimError(
        400,
        'expiredCursor',
        `cursor has expired; cursors are valid for ${this.ttlSeconds} seconds`,
      );
    }
    if (expected.count !== undefined && expected.count !== payload.c) {
      throw new ScimError(
        400,
        'invalidCount',
        `'count' must stay the same on every page of a cursor query (was ${payload.c}, now ${expected.count})`,
      );
    }
    return {
      tenantId: payload.t,
      resourceTypes: payload.r,
      queryFingerprint: expected.queryFingerprint,
      count: payload.c,
      position: payload.p,
      issuedAt: payload.i,
    };
  }

  private mac(data: Buffer): Buffer {
    return createHmac('sha256', this.macKey).update(data).digest();
  }

  private open(cursor: string): Payload {
    if (typeof cursor !== 'string' || cursor.length === 0 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
      throw new ScimError(400, 'invalidCursor', INVALID);
    }
    const raw = Buffer.from(cursor, 'base64url');
    // base64url decoding ignores stray trailing bits: insist on the one canonical spelling of these bytes.
    if (raw.toString('base64url') !== cursor) throw new ScimError(400, 'invalidCursor', INVALID);
    if (raw.length < 1 + IV_BYTES + 1 + MAC_BYTES || raw[0] !== VERSION)
      throw new ScimError(400, 'invalidCursor', INVALID);
    const head = raw.subarray(0, raw.length - MAC_BYTES);
    const tag = raw.subarray(raw.length - MAC_BYTES);
    if (!timingSafeEqual(tag, this.mac(head))) throw new ScimError(400, 'invalidCursor', INVALID);
    const iv = head.subarray(1, 1 + IV_BYTES);
    const decipher = createDecipheriv('aes-256-ctr', this.encryptionKey, iv);
    const plaintext = Buffer.concat([
      decipher.update(head.subarray(1 + IV_BYTES)),
      decipher.final(),
    ]).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(plaintext);
    } catch {
      throw new ScimError(400, 'invalidCursor', INVALID);
    }
    // Authentic but not understood (e.g. written by a future version with the same key): still just invalid.
    if (!isPayload(parsed)) throw new ScimError(400, 'invalidCursor', INVALID);
    return parsed;
  }
}

function fingerprintHash(fingerprint: string): string {
  return createHash('sha256').update(fingerprint, 'utf8').digest('base64url');
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((value) => right.has(value));
}

function isPayload(value: unknown): value is Payload {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    typeof p.t === 'string' &&
    Array.isArray(p.r) &&
    p.r.every((r) => typeof r === 'string') &&
    typeof p.q === 'string' &&
    isNonNegativeInteger(p.c) &&
    typeof p.i === 'number' &&
    Number.isFinite(p.i) &&
    isPosition(p.p)
  );
}

function isPosition(value: unknown): value is CursorPosition {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  if (p.kind === 'offset') return isNonNegativeInteger(p.offset);
  if (p.kind === 'keyset') {
    const v = p.sortValue;
    return (
      (p.direction === 'after' || p.direction === 'before') &&
      typeof p.id === 'string' &&
      (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    );
  }
  return false;
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
