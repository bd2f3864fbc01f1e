import { createTestApp, TestApp } from './harness';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

interface ListBody {
  totalResults: number;
  itemsPerPage: number;
  startIndex?: number;
  nextCursor?: string;
  Resources?: { userName: string }[];
}

/**
 * Issue 11 "Memory amplification": MAX_LIST_RESPONSE_BYTES caps the serialised size of a list response. A page
 * that would exceed it carries fewer resources, with an honest itemsPerPage, and the next startIndex / nextCursor
 * continue right after the last resource returned, so paging still visits every resource exactly once.
 */
describe('MAX_LIST_RESPONSE_BYTES (e2e)', () => {
  let t: TestApp;
  const names = Array.from({ length: 7 }, (_, i) => `big-${i}`);

  beforeAll(async () => {
    t = await createTestApp({ maxListResponseBytes: 2048, rateLimitPerSecond: 0 });
    for (const userName of names) {
      // Each user serialises to about 700 bytes: two fit in 2 KB, a page of seven does not.
      const created = await t.app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
        payload: JSON.stringify({ schemas: [USER_SCHEMA], userName, title: 'x'.repeat(400) }),
      });
      expect(created.statusCode).toBe(201);
    }
  });
  afterAll(() => t.close());

  async function list(query: string): Promise<{ body: ListBody; bytes: number }> {
    const response = await t.app.inject({
      method: 'GET',
      url: `/scim/v2/Users?${query}`,
      headers: t.authHeader,
    });
    expect(response.statusCode).toBe(200);
    return { body: response.json(), bytes: Buffer.byteLength(response.body) };
  }

  it('returns fewer resources than asked, within the limit, with an honest itemsPerPage', async () => {
    const { body, bytes } = await list('sortBy=userName&count=7');

    expect(bytes).toBeLessThanOrEqual(2048);
    expect(body.totalResults).toBe(7);
    expect(body.Resources!.length).toBeGreaterThan(0);
    expect(body.Resources!.length).toBeLessThan(7);
    expect(body.itemsPerPage).toBe(body.Resources!.length);
  });

  it('index paging by startIndex + itemsPerPage visits every resource once', async () => {
    const seen: string[] = [];
    let startIndex = 1;
    for (let pages = 0; startIndex <= 7 && pages < 10; pages++) {
      const { body } = await list(`sortBy=userName&count=7&startIndex=${startIndex}`);
      expect(body.startIndex).toBe(startIndex);
      seen.push(...body.Resources!.map((r) => r.userName));
      startIndex += body.itemsPerPage;
    }

    expect(seen).toEqual(names);
  });

  it('cursor paging visits every resource once, with the same count on every page', async () => {
    const seen: string[] = [];
    let cursor = '';
    for (let pages = 0; pages < 10; pages++) {
      const { body } = await list(`sortBy=userName&count=7&cursor=${encodeURIComponent(cursor)}`);
      seen.push(...body.Resources!.map((r) => r.userName));
      if (body.nextCursor === undefined) break;
      cursor = body.nextCursor;
    }

    expect(seen).toEqual(names);
  });

  it('returns a single resource larger than the limit alone, so paging always moves on', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
      payload: JSON.stringify({ schemas: [USER_SCHEMA], userName: 'a-huge', title: 'y'.repeat(3000) }),
    });

    const { body } = await list('sortBy=userName&count=3');

    expect(body.Resources!.map((r) => r.userName)).toEqual(['a-huge']);
    expect(body.itemsPerPage).toBe(1);
  });
});
