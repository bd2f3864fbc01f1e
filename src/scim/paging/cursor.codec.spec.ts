import { ScimError, ScimType } from '../errors';
import { buildQueryFingerprint, CursorCodec, CursorExpectation, CursorInput } from './cursor.codec';

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 8);
const T0 = Date.UTC(2026, 0, 1);

const fingerprint = buildQueryFingerprint({
  filter: 'userName sw "J"',
  sortBy: 'userName',
  sortOrder: 'ascending',
});

const input: CursorInput = {
  tenantId: 'tenant-a',
  resourceTypes: ['User'],
  queryFingerprint: fingerprint,
  count: 10,
  position: { kind: 'offset', offset: 20 },
};

const expected: CursorExpectation = { tenantId: 'tenant-a', queryFingerprint: fingerprint };

function makeClock(start = T0): { now: number; clock: () => number } {
  const state = { now: start, clock: () => state.now };
  return state;
}

function errorOf(action: () => unknown): ScimError {
  try {
    action();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

function expectScimError(action: () => unknown, scimType: ScimType): void {
  const error = errorOf(action);
  expect(error.status).toBe(400);
  expect(error.scimType).toBe(scimType);
}

describe(CursorCodec.name, () => {
  let time: ReturnType<typeof makeClock>;
  let sut: CursorCodec;

  beforeEach(() => {
    time = makeClock();
    sut = new CursorCodec(KEY, 600, time.clock);
  });

  describe('round trip', () => {
    it('decodes what it encoded, with issuedAt from the clock', () => {
      expect(sut.decode(sut.encode(input), expected)).toEqual({ ...input, issuedAt: T0 });
    });

    it('carries a keyset position', () => {
      const keyset: CursorInput = {
        ...input,
        position: { kind: 'keyset', direction: 'after', sortValue: 'jensen@example.com', id: 'u-42' },
      };
      expect(sut.decode(sut.encode(keyset), expected).position).toEqual(keyset.position);
    });

    it('carries several resource types', () => {
      const state = { ...input, resourceTypes: ['User', 'Group'] };
      expect(
        sut.decode(sut.encode(state), { ...expected, resourceTypes: ['Group', 'User'] }).resourceTypes,
      ).toEqual(['User', 'Group']);
    });

    it('decodes with another codec sharing the secret (another replica)', () => {
      const replica = new CursorCodec(Buffer.from(KEY), 600, time.clock);
      expect(replica.decode(sut.encode(input), expected).position).toEqual({ kind: 'offset', offset: 20 });
    });

    it('exposes the ttl as cursorTimeout', () => {
      expect(sut.cursorTimeout).toBe(600);
    });
  });

  describe('opacity', () => {
    it('uses only RFC 3986 unreserved characters', () => {
      expect(sut.encode(input)).toMatch(/^[A-Za-z0-9_-]+$/);
    });

    it('does not reveal the tenant, the query or sort values', () => {
      const cursor = sut.encode({
        ...input,
        position: { kind: 'keyset', direction: 'after', sortValue: 'jensen@example.com', id: 'u-42' },
      });
      const bytes = Buffer.from(cursor, 'base64url').toString('latin1');
      expect(bytes).not.toContain('tenant-a');
      expect(bytes).not.toContain('jensen');
      expect(bytes).not.toContain('userName');
    });

    it('gives different cursors for the same state (random iv)', () => {
      expect(sut.encode(input)).not.toBe(sut.encode(input));
    });
  });

  describe('invalidCursor', () => {
    it.each([[''], ['not a cursor'], ['abc'], ['!!!!'], ['a'.repeat(400)]])(
      'refuses malformed %j',
      (cursor) => {
        expectScimError(() => sut.decode(cursor, expected), 'invalidCursor');
      },
    );

    it('refuses a cursor with one altered byte', () => {
      const raw = Buffer.from(sut.encode(input), 'base64url');
      raw[20] ^= 0x01;
      expectScimError(() => sut.decode(raw.toString('base64url'), expected), 'invalidCursor');
    });

    it('refuses a cursor with an altered signature', () => {
      const raw = Buffer.from(sut.encode(input), 'base64url');
      raw[raw.length - 1] ^= 0x80;
      expectScimError(() => sut.decode(raw.toString('base64url'), expected), 'invalidCursor');
    });

    it('refuses a truncated cursor', () => {
      const cursor = sut.encode(input);
      expectScimError(() => sut.decode(cursor.slice(0, -4), expected), 'invalidCursor');
    });

    it('refuses a non-canonical spelling of the same bytes', () => {
      const cursor = sut.encode(input);
      const last = cursor[cursor.length - 1];
      const sibling = last === 'A' ? 'B' : 'A';
      expectScimError(() => sut.decode(cursor.slice(0, -1) + sibling, expected), 'invalidCursor');
    });

    it('refuses a cursor signed with another secret', () => {
      const other = new CursorCodec(OTHER_KEY, 600, time.clock);
      expectScimError(() => sut.decode(other.encode(input), expected), 'invalidCursor');
    });

    it('refuses a cursor of tenant A presented by tenant B', () => {
      expectScimError(
        () => sut.decode(sut.encode(input), { ...expected, tenantId: 'tenant-b' }),
        'invalidCursor',
      );
    });

    it('answers another tenant exactly as it answers a forgery (RFC 9865 §5.2)', () => {
      const crossTenant = errorOf(() => sut.decode(sut.encode(input), { ...expected, tenantId: 'tenant-b' }));
      const forged = errorOf(() => sut.decode('AAAA', expected));
      expect(crossTenant.toBody()).toEqual(forged.toBody());
    });

    it('refuses an expired cursor of another tenant as invalid, not expired', () => {
      const cursor = sut.encode(input);
      time.now += 3_600_000;
      expectScimError(() => sut.decode(cursor, { ...expected, tenantId: 'tenant-b' }), 'invalidCursor');
    });

    it('refuses a cursor issued for another query', () => {
      const other = buildQueryFingerprint({
        filter: 'userName sw "K"',
        sortBy: 'userName',
        sortOrder: 'ascending',
      });
      const error = errorOf(() => sut.decode(sut.encode(input), { ...expected, queryFingerprint: other }));
      expect(error.scimType).toBe('invalidCursor');
      expect(error.detail).toContain('different query');
    });

    it('refuses a cursor issued for another endpoint', () => {
      expectScimError(
        () => sut.decode(sut.encode(input), { ...expected, resourceTypes: ['Group'] }),
        'invalidCursor',
      );
    });
  });

  describe('expiredCursor', () => {
    it('accepts a cursor exactly ttl seconds old', () => {
      const cursor = sut.encode(input);
      time.now += 600_000;
      expect(sut.decode(cursor, expected).issuedAt).toBe(T0);
    });

    it('refuses a cursor older than the ttl', () => {
      const cursor = sut.encode(input);
      time.now += 600_001;
      const error = errorOf(() => sut.decode(cursor, expected));
      expect(error.scimType).toBe('expiredCursor');
      expect(error.detail).toContain('600');
    });
  });

  describe('invalidCount', () => {
    it('accepts the same count', () => {
      expect(sut.decode(sut.encode(input), { ...expected, count: 10 }).count).toBe(10);
    });

    it('refuses a different count (RFC 9865 Table 3)', () => {
      expectScimError(() => sut.decode(sut.encode(input), { ...expected, count: 11 }), 'invalidCount');
    });
  });

  describe('construction', () => {
    it('refuses a short secret', () => {
      expect(() => new CursorCodec(Buffer.alloc(16), 600)).toThrow(RangeError);
    });

    it.each([[0], [-1], [NaN]])('refuses ttl %p', (ttl) => {
      expect(() => new CursorCodec(KEY, ttl)).toThrow(RangeError);
    });
  });
});

describe(buildQueryFingerprint.name, () => {
  const sut = buildQueryFingerprint;

  it('ignores key order', () => {
    expect(sut({ filter: 'a', sortBy: 'b' })).toBe(sut({ sortBy: 'b', filter: 'a' }));
  });

  it('ignores absent parts', () => {
    expect(sut({ filter: 'a', sortBy: undefined, sortOrder: null })).toBe(sut({ filter: 'a' }));
  });

  it('distinguishes values that would collide when concatenated', () => {
    expect(sut({ filter: 'ab', sortBy: 'c' })).not.toBe(sut({ filter: 'a', sortBy: 'bc' }));
  });
});
