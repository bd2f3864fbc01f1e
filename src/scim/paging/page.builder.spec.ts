import { CursorCodec, CursorScope } from './cursor.codec';
import { buildPage } from './page.builder';

const scope: CursorScope = { tenantId: 't1', resourceTypes: ['User'], queryFingerprint: 'q' };

describe(buildPage.name, () => {
  const codec = new CursorCodec(Buffer.alloc(32, 1), 600, () => 1_000);
  const sut = buildPage;

  function offsetOf(cursor: string | undefined): number | undefined {
    if (cursor === undefined) return undefined;
    const { position } = codec.decode(cursor, { tenantId: 't1', queryFingerprint: 'q', count: 10 });
    return position.kind === 'offset' ? position.offset : undefined;
  }

  it('gives the first page a nextCursor and no previousCursor', () => {
    const page = sut(codec, scope, { offset: 0, count: 10, totalResults: 25 });
    expect(offsetOf(page.nextCursor)).toBe(10);
    expect(page.previousCursor).toBeUndefined();
  });

  it('gives a middle page both cursors', () => {
    const page = sut(codec, scope, { offset: 10, count: 10, totalResults: 25 });
    expect(offsetOf(page.nextCursor)).toBe(20);
    expect(offsetOf(page.previousCursor)).toBe(0);
  });

  it('gives the last page no nextCursor (the only end-of-results signal)', () => {
    const page = sut(codec, scope, { offset: 20, count: 10, totalResults: 25 });
    expect(page.nextCursor).toBeUndefined();
    expect(offsetOf(page.previousCursor)).toBe(10);
  });

  it('treats a page ending exactly at totalResults as the last', () => {
    expect(sut(codec, scope, { offset: 10, count: 10, totalResults: 20 }).nextCursor).toBeUndefined();
  });

  it('continues right after the resources of a page cut short (MAX_LIST_RESPONSE_BYTES)', () => {
    const page = sut(codec, scope, { offset: 10, count: 10, totalResults: 25, returned: 3 });
    expect(offsetOf(page.nextCursor)).toBe(13);
  });

  it('moves on by count when a page came back empty before the end', () => {
    expect(
      offsetOf(sut(codec, scope, { offset: 0, count: 10, totalResults: 25, returned: 0 }).nextCursor),
    ).toBe(10);
  });

  it('never points previousCursor before the start', () => {
    expect(offsetOf(sut(codec, scope, { offset: 3, count: 10, totalResults: 25 }).previousCursor)).toBe(0);
  });

  it('returns no cursor for an empty result', () => {
    expect(sut(codec, scope, { offset: 0, count: 10, totalResults: 0 })).toEqual({});
  });

  it('returns no cursor for count 0 (only totalResults was asked)', () => {
    expect(sut(codec, scope, { offset: 10, count: 0, totalResults: 25 })).toEqual({});
  });

  it('binds the cursors to the scope and the count', () => {
    const page = sut(codec, scope, { offset: 0, count: 10, totalResults: 25 });
    expect(
      codec.decode(page.nextCursor!, { tenantId: 't1', queryFingerprint: 'q', resourceTypes: ['User'] }),
    ).toMatchObject({
      tenantId: 't1',
      resourceTypes: ['User'],
      count: 10,
    });
  });
});
