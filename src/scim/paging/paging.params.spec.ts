import { ScimError } from '../errors';
import { MAX_CURSOR_LENGTH, parsePaging, PagingInput } from './paging.params';

const limits = { defaultPageSize: 100, maxPageSize: 250 };

function errorOf(input: PagingInput): ScimError {
  try {
    parsePaging(input, limits);
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe(parsePaging.name, () => {
  const sut = parsePaging;

  describe('index mode (RFC 7644 §3.4.2.4)', () => {
    it('defaults to startIndex 1 and the default page size', () => {
      expect(sut({}, limits)).toEqual({ mode: 'index', startIndex: 1, count: 100 });
    });

    it('reads query-string values', () => {
      expect(sut({ startIndex: '21', count: '5' }, limits)).toEqual({
        mode: 'index',
        startIndex: 21,
        count: 5,
      });
    });

    it('reads JSON numbers from a SearchRequest body', () => {
      expect(sut({ startIndex: 3, count: 7 }, limits)).toEqual({ mode: 'index', startIndex: 3, count: 7 });
    });

    it.each([['0'], ['-5'], [-1]])('treats startIndex %j (below 1) as 1', (startIndex) => {
      expect(sut({ startIndex }, limits)).toEqual({ mode: 'index', startIndex: 1, count: 100 });
    });

    it('treats a negative count as 0', () => {
      expect(sut({ count: '-3' }, limits)).toEqual({ mode: 'index', startIndex: 1, count: 0 });
    });

    it('keeps count 0 (only totalResults is wanted)', () => {
      expect(sut({ count: 0 }, limits)).toEqual({ mode: 'index', startIndex: 1, count: 0 });
    });

    it('caps count at maxPageSize instead of failing', () => {
      expect(sut({ count: '10000' }, limits)).toEqual({ mode: 'index', startIndex: 1, count: 250 });
    });

    it('caps the default page size at maxPageSize', () => {
      expect(sut({}, { defaultPageSize: 500, maxPageSize: 50 })).toEqual({
        mode: 'index',
        startIndex: 1,
        count: 50,
      });
    });

    it('accepts surrounding spaces and a plus sign', () => {
      expect(sut({ startIndex: ' +4 ', count: ' 2' }, limits)).toEqual({
        mode: 'index',
        startIndex: 4,
        count: 2,
      });
    });

    it('clamps huge values instead of overflowing', () => {
      const result = sut({ startIndex: '999999999999999999999999' }, limits);
      expect(result).toEqual({ mode: 'index', startIndex: Number.MAX_SAFE_INTEGER, count: 100 });
    });

    it('treats null as absent', () => {
      expect(sut({ startIndex: null, count: null, cursor: null }, limits)).toEqual({
        mode: 'index',
        startIndex: 1,
        count: 100,
      });
    });

    it.each([['abc'], [''], ['10.5'], ['1e2'], ['0x10'], [['1', '2']], [true], [{}]])(
      'refuses startIndex %j with 400 invalidValue',
      (startIndex) => {
        const error = errorOf({ startIndex });
        expect(error.status).toBe(400);
        expect(error.scimType).toBe('invalidValue');
        expect(error.detail).toContain('startIndex');
      },
    );

    it.each([['ten'], [''], [2.5], [NaN], [Infinity], [['5', '6']]])(
      'refuses count %j with 400 invalidValue',
      (count) => {
        const error = errorOf({ count });
        expect(error.status).toBe(400);
        expect(error.scimType).toBe('invalidValue');
        expect(error.detail).toContain('count');
      },
    );
  });

  describe('cursor mode (RFC 9865)', () => {
    it('selects cursor mode with an empty cursor (first page)', () => {
      expect(sut({ cursor: '' }, limits)).toEqual({ mode: 'cursor', cursor: '', count: 100 });
    });

    it('keeps the cursor value', () => {
      expect(sut({ cursor: 'VZUTiyhEQJ94IR', count: '10' }, limits)).toEqual({
        mode: 'cursor',
        cursor: 'VZUTiyhEQJ94IR',
        count: 10,
      });
    });

    it('treats a negative count as 0', () => {
      expect(sut({ cursor: '', count: -1 }, limits)).toEqual({ mode: 'cursor', cursor: '', count: 0 });
    });

    it('caps count at maxPageSize', () => {
      expect(sut({ cursor: '', count: 251 }, limits)).toEqual({ mode: 'cursor', cursor: '', count: 250 });
    });

    it.each([['ten'], [''], [1.5], [['1']]])('refuses count %j with 400 invalidCount', (count) => {
      const error = errorOf({ cursor: '', count });
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidCount');
    });

    it('refuses startIndex together with cursor (400 invalidValue)', () => {
      const error = errorOf({ cursor: '', startIndex: '1' });
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidValue');
      expect(error.detail).toContain('startIndex');
    });

    it.each([[42], [['a', 'b']], [{}], [true]])(
      'refuses a non-string cursor %j with 400 invalidCursor',
      (cursor) => {
        const error = errorOf({ cursor });
        expect(error.status).toBe(400);
        expect(error.scimType).toBe('invalidCursor');
      },
    );

    it.each([['abc def'], ['a/b'], ['a+b'], ['a=b'], ['é']])(
      'refuses a cursor with reserved characters %j (RFC 9865 Table 1)',
      (cursor) => {
        expect(errorOf({ cursor }).scimType).toBe('invalidCursor');
      },
    );

    it('accepts every RFC 3986 unreserved character', () => {
      expect(sut({ cursor: 'Az09-._~' }, limits)).toMatchObject({ mode: 'cursor', cursor: 'Az09-._~' });
    });

    it('refuses an over-long cursor before anyone decodes it', () => {
      expect(errorOf({ cursor: 'a'.repeat(MAX_CURSOR_LENGTH + 1) }).scimType).toBe('invalidCursor');
    });
  });
});

describe('paging error messages of deeply nested values', () => {
  function nested(depth: number): unknown {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = { count: value };
    return value;
  }

  it.each(['count', 'startIndex'])('refuse a %s nested 20,000 levels with a short 400', (name) => {
    const error = errorOf({ [name]: nested(20_000) });
    expect(error.status).toBe(400);
    expect(error.detail).toContain('got {"count":{…}}');
  });
});
