import { ScimError } from '../errors';
import { showValue } from '../show-value';

/**
 * Paging parameters of a query (RFC 7644 §3.4.2.4 index paging, RFC 9865 cursor paging), as they arrive:
 * strings from a query string (GET), numbers/strings from a SearchRequest body (POST /.search).
 * `null` counts as absent (RFC 7643 §2.5: null is "unassigned").
 */
export interface PagingInput {
  startIndex?: unknown;
  count?: unknown;
  cursor?: unknown;
}

export interface PagingLimits {
  /** Page size used when the client sends no `count` (SPC `pagination.defaultPageSize`). */
  defaultPageSize: number;
  /** Largest page ever returned (SPC `pagination.maxPageSize`, `filter.maxResults`). */
  maxPageSize: number;
}

export interface IndexPaging {
  mode: 'index';
  /** 1-based index of the first result (RFC 7644 §3.4.2.4). */
  startIndex: number;
  /** Maximum number of results on the page, 0..maxPageSize (0 = only totalResults). */
  count: number;
}

export interface CursorPaging {
  mode: 'cursor';
  /** '' asks for the first page (RFC 9865 §2); otherwise an opaque value for CursorCodec.decode. */
  cursor: string;
  /** Maximum number of results on the page, 0..maxPageSize (0 = only totalResults). */
  count: number;
}

export type Paging = IndexPaging | CursorPaging;

/** RFC 9865 §2 Table 1: a cursor holds only RFC 3986 §2.3 unreserved characters. */
const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;
/** Our own cursors are far shorter; anything longer is not one of ours and is refused before decoding. */
export const MAX_CURSOR_LENGTH = 2048;
const INTEGER = /^[+-]?\d+$/;

/**
 * Reads startIndex / count / cursor into one paging decision.
 *
 * - `cursor` present (even empty, `GET /Users?cursor`) selects cursor paging (RFC 9865 §2.4); otherwise index.
 * - startIndex < 1 is treated as 1 (RFC 7644 §3.4.2.4).
 * - count < 0 is treated as 0 (RFC 7644 §3.4.2.4, RFC 9865 Table 1); count > maxPageSize is capped: RFC 7644
 *   §3.4.2.4 lets the server return fewer results than asked, and RFC 9865 §4 defines maxPageSize as the limit
 *   "regardless of what is specified for the count". Capping keeps both methods uniform.
 * - A value that is not an integer is a 400: `invalidValue`, or `invalidCount` for count in cursor mode
 *   (RFC 9865 §2.1 Table 3).
 * - startIndex together with cursor is refused (400 invalidValue): RFC 9865 §2.4 lets a client pick a method
 *   with "'startIndex' or 'cursor'"; it defines no meaning for both, and guessing one would page wrongly.
 */
export function parsePaging(input: PagingInput, limits: PagingLimits): Paging {
  const startIndex = absentIfNull(input.startIndex);
  const count = absentIfNull(input.count);
  const cursor = absentIfNull(input.cursor);
  const maxPageSize = Math.max(0, Math.floor(limits.maxPageSize));
  const defaultCount = Math.min(Math.max(0, Math.floor(limits.defaultPageSize)), maxPageSize);

  if (cursor !== undefined) {
    if (startIndex !== undefined) {
      throw ScimError.invalidValue(
        "'startIndex' and 'cursor' select different pagination methods (RFC 9865 §2.4); send only one of them",
      );
    }
    const parsedCount =
      count === undefined
        ? defaultCount
        : capCount(
            readInteger(count, () => new ScimError(400, 'invalidCount', countDetail(count))),
            maxPageSize,
          );
    return { mode: 'cursor', cursor: readCursor(cursor), count: parsedCount };
  }

  const parsedStart =
    startIndex === undefined
      ? 1
      : Math.max(
          1,
          readInteger(startIndex, () => ScimError.invalidValue(integerDetail('startIndex', startIndex))),
        );
  const parsedCount =
    count === undefined
      ? defaultCount
      : capCount(
          readInteger(count, () => ScimError.invalidValue(integerDetail('count', count))),
          maxPageSize,
        );
  return { mode: 'index', startIndex: parsedStart, count: parsedCount };
}

function absentIfNull(value: unknown): unknown {
  return value === null ? undefined : value;
}

function capCount(value: number, maxPageSize: number): number {
  return Math.min(Math.max(0, value), maxPageSize);
}

/**
 * Accepts a JSON integer or a decimal integer string ("10", " 10 ", "+3", "-2"). Anything else (an array from a
 * repeated query parameter, "10.5", "1e2", "", true) is refused with the given error.
 * Values beyond the safe-integer range are clamped: they are only ever "very large" or "very small" here.
 */
function readInteger(value: unknown, error: () => ScimError): number {
  let parsed: number;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw error();
    parsed = value;
  } else if (typeof value === 'string' && INTEGER.test(value.trim())) {
    parsed = Number(value.trim());
  } else {
    throw error();
  }
  return Math.max(Number.MIN_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, parsed));
}

function readCursor(value: unknown): string {
  if (typeof value !== 'string') {
    throw new ScimError(
      400,
      'invalidCursor',
      "'cursor' must be a string: empty for the first page, then a nextCursor value",
    );
  }
  if (value.length > MAX_CURSOR_LENGTH || !UNRESERVED.test(value)) {
    throw new ScimError(400, 'invalidCursor', "'cursor' is not a cursor issued by this server");
  }
  return value;
}

function integerDetail(name: string, value: unknown): string {
  return `'${name}' must be an integer; got ${showValue(value, 40)}`;
}

function countDetail(value: unknown): string {
  return `'count' must be an integer between 0 and the maximum page size; got ${showValue(value, 40)}`;
}
