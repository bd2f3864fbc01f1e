import { CursorCodec, CursorScope } from './cursor.codec';

export interface PageWindow {
  /** 0-based offset of the first resource on this page. */
  offset: number;
  /** The page size of the query (the effective count). */
  count: number;
  /** Number of resources matching the query, across all pages. */
  totalResults: number;
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
  const cursors: PageCursors = {};
  if (count <= 0) return cursors;
  if (offset + count < totalResults) {
    cursors.nextCursor = codec.encode({
      ...scope,
      count,
      position: { kind: 'offset', offset: offset + count },
    });
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
