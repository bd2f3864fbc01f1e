import { CursorCodec, CursorScope } from './cursor.codec';

export interface PageWindow {
  /** 0-based offset of the first resource on this page. */
  offset: number;
  /** The page size of the query (the effective count). */
  count: number;
  /** Number of resources matching the query, across all pages. */
  totalResults: number;
  /**
   * Resources on this page when fewer than `count` were returned before the end of the results (a page cut to
   * MAX_LIST_RESPONSE_BYTES): the next page starts right after them. Default `count`.
   */
  returned?: number;
}

export interface PageCursors {
  nextCursor?: string;
  previousCursor?: string;
}

/**
 * The RFC 9865 §2 Table 2 cursors of one offset-paged page:
 * - nextCursor on every page but the last; its absence is the only end-of-results signal.
 * - previousCursor on every page but the first (it "MUST not be returned with the first page").
 * With count 0 the client asked only for totalResults: a cursor would not move, so none is returned.
 */
export function buildPage(codec: CursorCodec, scope: CursorScope, page: PageWindow): PageCursors {
  const { offset, count, totalResults } = page;
  // A page with nothing on it (the results shrank meanwhile) moves on by count, as an uncut page would.
  const step = page.returned !== undefined && page.returned > 0 ? Math.min(page.returned, count) : count;
  const next = offset + step;
  const cursors: PageCursors = {};
  if (count <= 0) return cursors;
  if (next < totalResults) {
    cursors.nextCursor = codec.encode({ ...scope, count, position: { kind: 'offset', offset: next } });
  }
  if (offset > 0) {
    cursors.previousCursor = codec.encode({
      ...scope,
      count,
      position: { kind: 'offset', offset: Math.max(0, offset - count) },
    });
  }
  return cursors;
}
