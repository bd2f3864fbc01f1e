import { ResourceCollection } from '../../../src/store/embedded/resource.collection';
import { TestApp } from '../harness';
import {
  ACME,
  ENTERPRISE,
  expectScimError,
  GROUP_SCHEMA,
  Json,
  LIST_SCHEMA,
  patchOp,
  ScimClient,
  SCIM_JSON,
  startClient,
  USER_SCHEMA,
} from './protocol.helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One fixed population, so that every filter has an exact expected result. The users are created in this order,
 * a few milliseconds apart, so that meta.created orders them.
 */
const PEOPLE: Json[] = [
  {
    userName: 'alice',
    displayName: 'Alice Smith',
    title: 'Engineer',
    active: true,
    name: { givenName: 'Alice', familyName: 'Smith' },
    emails: [
      { value: 'alice@corp.example', type: 'work', primary: true },
      { value: 'alice@home.example', type: 'home' },
    ],
    [ENTERPRISE]: { department: 'R&D', employeeNumber: '001' },
    [ACME]: { badgeNumber: 10 },
  },
  {
    userName: 'bob',
    displayName: 'Bob Jones',
    title: 'Manager',
    active: false,
    name: { givenName: 'Bob', familyName: 'Jones' },
    emails: [{ value: 'bob@corp.example', type: 'work' }],
    [ENTERPRISE]: { department: 'Sales' },
    [ACME]: { badgeNumber: 20 },
  },
  {
    userName: 'carol',
    displayName: 'Carol Smith',
    title: 'Engineer',
    active: true,
    name: { givenName: 'Carol', familyName: 'Smith' },
    emails: [{ value: 'carol@home.example', type: 'home' }],
    [ENTERPRISE]: { department: 'R&D' },
    [ACME]: { badgeNumber: 30 },
  },
  {
    userName: 'dave',
    active: true,
    nickName: 'D',
    emails: [{ value: 'dave@CORP.example', type: 'work' }],
  },
  {
    userName: 'eve',
    displayName: 'eve adams',
    title: 'Director',
    active: false,
    name: { givenName: 'Eve', familyName: 'Adams' },
    [ENTERPRISE]: { department: 'Sales' },
    [ACME]: { badgeNumber: 5 },
  },
  {
    userName: 'frank',
    displayName: 'Frank Smith',
    title: 'engineer',
    active: false,
    name: { givenName: 'Frank', familyName: 'Smith' },
    emails: [{ value: 'frank@corp.example', type: 'work' }],
  },
];

describe('Queries: RFC 7644 §3.4.2, RFC 9865 over HTTP (e2e)', () => {
  let t: TestApp;
  let scim: ScimClient;
  const users = new Map<string, Json>();
  const byId = new Map<string, string>();

  beforeAll(async () => {
    ({ t, scim } = await startClient());
    for (const person of PEOPLE) {
      const created = await scim.createUser(person);
      users.set(person.userName, created);
      byId.set(created.id, person.userName);
      await sleep(3);
    }
  });
  afterAll(() => t.close());

  /** userNames of every resource of a list response, in order; fails unless 200. */
  async function names(params: Record<string, string | number>): Promise<string[]> {
    const response = await scim.query('/Users', params);
    expect([response.statusCode, response.body]).toEqual([200, expect.any(String)]);
    const body = response.json<Json>();
    expect(body.schemas).toEqual([LIST_SCHEMA]);
    return (body.Resources ?? []).map((r: Json) => byId.get(r.id) ?? `?${r.id}`);
  }
  const filtered = async (filter: string) => (await names({ filter })).sort();

  describe('filter operators (RFC 7644 §3.4.2.2)', () => {
    it.each([
      ['userName eq "ALICE"', ['alice']],
      ['title eq "engineer"', ['alice', 'carol', 'frank']],
      ['title ne "engineer"', ['bob', 'dave', 'eve']],
      ['displayName co "SMITH"', ['alice', 'carol', 'frank']],
      ['displayName sw "b"', ['bob']],
      ['userName ew "E"', ['alice', 'dave', 'eve']],
      ['title pr', ['alice', 'bob', 'carol', 'eve', 'frank']],
      ['not (title pr)', ['dave']],
      ['active eq false', ['bob', 'eve', 'frank']],
      ['active eq true', ['alice', 'carol', 'dave']],
      ['name.familyName eq "smith"', ['alice', 'carol', 'frank']],
      ['name.givenName gt "C"', ['carol', 'eve', 'frank']],
      ['name.givenName ge "Carol"', ['carol', 'eve', 'frank']],
      ['name.givenName lt "Bob"', ['alice']],
      ['name.givenName le "Bob"', ['alice', 'bob']],
      ['emails.value co "corp"', ['alice', 'bob', 'dave', 'frank']],
      ['emails.value ew "home.example"', ['alice', 'carol']],
      ['emails[type eq "work" and value co "@corp"]', ['alice', 'bob', 'dave', 'frank']],
      ['emails[type eq "home"]', ['alice', 'carol']],
      ['emails[type eq "work" and primary eq true]', ['alice']],
      ['emails[type eq "home"] and title eq "engineer"', ['alice', 'carol']],
      ['emails.type eq "home" and emails.value sw "bob"', []],
      [`${ENTERPRISE}:department eq "r&d"`, ['alice', 'carol']],
      [`${ENTERPRISE}:department ne "Sales" and ${ENTERPRISE}:department pr`, ['alice', 'carol']],
      [`${ACME}:badgeNumber gt 10`, ['bob', 'carol']],
      [`${ACME}:badgeNumber ge 10`, ['alice', 'bob', 'carol']],
      [`${ACME}:badgeNumber lt 10`, ['eve']],
      [`${ACME}:badgeNumber le 10`, ['alice', 'eve']],
      [`${ACME}:badgeNumber eq 20`, ['bob']],
      ['USERNAME EQ "bob"', ['bob']],
      ['userName eq "nobody"', []],
    ])('%s', async (filter, expected) => {
      expect(await filtered(filter)).toEqual(expected);
    });

    // RFC 7644 §3.4.2.2: gt/ge/lt/le on caseExact=false strings ignore case. The titles are "Engineer",
    // "engineer", "Manager" and "Director": a code-unit comparison would put "Manager" below "m" and "engineer"
    // above "F".
    it.each([
      ['title gt "m"', ['bob']],
      ['title ge "ENGINEER"', ['alice', 'bob', 'carol', 'frank']],
      ['title lt "F"', ['alice', 'carol', 'eve', 'frank']],
      ['title le "director"', ['eve']],
      ['not (title gt "m")', ['alice', 'carol', 'dave', 'eve', 'frank']],
      ['emails[type eq "work" and value gt "C"]', ['dave', 'frank']],
    ])('%s compares without regard to case', async (filter, expected) => {
      expect(await filtered(filter)).toEqual(expected);
    });
  });

  describe('logical operators and precedence', () => {
    it('binds "and" tighter than "or"', async () => {
      expect(await filtered('title eq "manager" or title eq "engineer" and active eq true')).toEqual([
        'alice',
        'bob',
        'carol',
      ]);
    });

    it('lets parentheses override precedence', async () => {
      expect(await filtered('(title eq "manager" or title eq "engineer") and active eq true')).toEqual([
        'alice',
        'carol',
      ]);
    });

    it('applies not to the parenthesised expression', async () => {
      expect(await filtered('not (title eq "engineer" or title eq "manager") and title pr')).toEqual(['eve']);
    });

    it('combines several or terms', async () => {
      expect(await filtered('userName eq "alice" or userName eq "dave" or userName eq "eve"')).toEqual([
        'alice',
        'dave',
        'eve',
      ]);
    });
  });

  describe('dates', () => {
    it('compares meta.created as a date', async () => {
      const carol = users.get('carol')!;

      expect(await filtered(`meta.created gt "${carol.meta.created}"`)).toEqual(['dave', 'eve', 'frank']);
      expect(await filtered(`meta.created le "${carol.meta.created}"`)).toEqual(['alice', 'bob', 'carol']);
    });

    it('accepts a date with a time zone offset', async () => {
      const carol = users.get('carol')!;
      const shifted = new Date(Date.parse(carol.meta.created) + 2 * 3600_000).toISOString().slice(0, 23);

      expect(await filtered(`meta.created gt "${shifted}+02:00"`)).toEqual(['dave', 'eve', 'frank']);
    });

    it('finds what changed since a moment with meta.lastModified gt', async () => {
      await sleep(5);
      const since = new Date().toISOString();
      await sleep(5);
      const bob = users.get('bob')!;
      const response = await scim.patch(
        `/Users/${bob.id}`,
        patchOp({ op: 'replace', path: 'nickName', value: 'Bobby' }),
      );
      expect(response.statusCode).toBe(200);

      expect(await filtered(`meta.lastModified gt "${since}"`)).toEqual(['bob']);
    });

    it('refuses a value that is not a date with 400 invalidFilter', async () => {
      const response = await scim.query('/Users', { filter: 'meta.created gt "yesterday"' });

      expectScimError(response, 400, 'invalidFilter');
    });
  });

  describe('query parameters sent twice', () => {
    it('refuses a repeated filter with 400 invalidValue naming the parameter once', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/scim/v2/Users?filter=userName%20eq%20%22a%22&filter=userName%20eq%20%22b%22',
        headers: t.authHeader,
      });

      const body = expectScimError(response, 400, 'invalidValue');
      expect(body.detail).toBe('Invalid query parameter: filter: filter must be a string');
    });
  });

  describe('invalid filters → 400 invalidFilter', () => {
    it.each([
      ['userName eq', /position/],
      ['userName xx "a"', /xx/],
      ['(userName eq "a"', /\)/],
      ['userName eq "unterminated', /.+/],
      ['userName eq "a" and', /.+/],
      ['emails[type eq "work"', /\]/],
      ['active gt true', /.+/],
      ['name eq "x"', /complex/],
    ])('%s', async (filter, detail) => {
      const body = expectScimError(await scim.query('/Users', { filter }), 400, 'invalidFilter');
      expect(body.detail).toMatch(detail);
    });

    it('names an unknown attribute', async () => {
      const body = expectScimError(
        await scim.query('/Users', { filter: 'shoeSize eq "42"' }),
        400,
        'invalidFilter',
      );

      expect(body.detail).toContain('shoeSize');
    });

    it('refuses a filter longer than the limit', async () => {
      const filter = Array.from({ length: 400 }, (_, i) => `userName eq "u${i}"`).join(' or ');

      expectScimError(await scim.query('/Users', { filter }), 400, 'invalidFilter');
    });
  });

  describe('sorting (RFC 7644 §3.4.2.3)', () => {
    const idOrder = (list: string[]) =>
      [...list].sort((a, b) => (users.get(a)!.id < users.get(b)!.id ? -1 : 1));

    it('sorts by userName, ascending by default', async () => {
      expect(await names({ sortBy: 'userName' })).toEqual(['alice', 'bob', 'carol', 'dave', 'eve', 'frank']);
    });

    it('sorts descending', async () => {
      expect(await names({ sortBy: 'userName', sortOrder: 'descending' })).toEqual([
        'frank',
        'eve',
        'dave',
        'carol',
        'bob',
        'alice',
      ]);
    });

    it('sorts by a sub-attribute, ties by id, missing values last', async () => {
      expect(await names({ sortBy: 'name.familyName' })).toEqual([
        'eve',
        'bob',
        ...idOrder(['alice', 'carol', 'frank']),
        'dave',
      ]);
    });

    it('sorts case-insensitively for caseExact=false attributes', async () => {
      // Code-unit order would put "eve adams" after "Frank Smith".
      expect(await names({ sortBy: 'displayName' })).toEqual([
        'alice',
        'bob',
        'carol',
        'eve',
        'frank',
        'dave',
      ]);
    });

    it('sorts case-insensitively by an attribute without a lower-cased shadow (title)', async () => {
      // Code-unit order would put "engineer" (frank) after "Manager" (bob).
      expect(await names({ sortBy: 'title' })).toEqual([
        'eve',
        ...idOrder(['alice', 'carol', 'frank']),
        'bob',
        'dave',
      ]);
    });

    it('sorts case-insensitively descending, ties by id ascending, missing values first', async () => {
      expect(await names({ sortBy: 'title', sortOrder: 'descending' })).toEqual([
        'dave',
        'bob',
        ...idOrder(['alice', 'carol', 'frank']),
        'eve',
      ]);
    });

    it('sorts by an extension attribute', async () => {
      expect(
        await names({ sortBy: `${ENTERPRISE}:department`, filter: `${ENTERPRISE}:department pr` }),
      ).toEqual([...idOrder(['alice', 'carol']), ...idOrder(['bob', 'eve'])]);
    });

    it('sorts by a numeric extension attribute numerically', async () => {
      expect(
        await names({
          sortBy: `${ACME}:badgeNumber`,
          sortOrder: 'descending',
          filter: `${ACME}:badgeNumber pr`,
        }),
      ).toEqual(['carol', 'bob', 'alice', 'eve']);
    });

    it('sorts by a multi-valued attribute using the primary (or first) value', async () => {
      expect(await names({ sortBy: 'emails.value', filter: 'emails pr' })).toEqual([
        'alice',
        'bob',
        'carol',
        'dave',
        'frank',
      ]);
    });

    it('keeps the order stable across pages', async () => {
      const pages = [];
      for (let start = 1; start <= 6; start += 2) {
        pages.push(...(await names({ sortBy: 'active', startIndex: start, count: 2 })));
      }

      expect(pages).toEqual(await names({ sortBy: 'active' }));
      expect(new Set(pages).size).toBe(6);
    });

    it('refuses an unknown sortBy attribute with 400', async () => {
      expectScimError(await scim.query('/Users', { sortBy: 'shoeSize' }), 400, 'invalidValue');
    });

    it('refuses an unknown sortOrder with 400 invalidValue', async () => {
      expectScimError(
        await scim.query('/Users', { sortBy: 'userName', sortOrder: 'sideways' }),
        400,
        'invalidValue',
      );
    });
  });

  describe('index paging (RFC 7644 §3.4.2.4)', () => {
    it('returns the requested window with totalResults, startIndex and itemsPerPage', async () => {
      const response = await scim.query('/Users', { sortBy: 'userName', startIndex: 2, count: 3 });

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(SCIM_JSON);
      const body = response.json<Json>();
      expect(body).toMatchObject({ schemas: [LIST_SCHEMA], totalResults: 6, startIndex: 2, itemsPerPage: 3 });
      expect(body.Resources.map((r: Json) => r.userName)).toEqual(['bob', 'carol', 'dave']);
    });

    it('with count=0 returns only totalResults', async () => {
      const body = (await scim.query('/Users', { count: 0 })).json<Json>();

      expect(body.totalResults).toBe(6);
      expect(body.itemsPerPage).toBe(0);
      expect(body.Resources ?? []).toEqual([]);
    });

    it('past the end returns an empty page with the exact totalResults', async () => {
      const body = (await scim.query('/Users', { startIndex: 100, count: 10 })).json<Json>();

      expect(body).toMatchObject({ totalResults: 6, startIndex: 100, itemsPerPage: 0 });
      expect(body.Resources ?? []).toEqual([]);
    });

    it('counts totalResults over the filter, not the page', async () => {
      const body = (await scim.query('/Users', { filter: 'title eq "engineer"', count: 1 })).json<Json>();

      expect(body).toMatchObject({ totalResults: 3, itemsPerPage: 1 });
    });

    it('treats startIndex < 1 as 1 and a negative count as 0', async () => {
      const body = (await scim.query('/Users', { startIndex: -5, count: 2 })).json<Json>();
      expect(body).toMatchObject({ startIndex: 1, itemsPerPage: 2 });

      const none = (await scim.query('/Users', { count: -1 })).json<Json>();
      expect(none).toMatchObject({ totalResults: 6, itemsPerPage: 0 });
    });

    it('refuses a non-integer count with 400 invalidValue', async () => {
      expectScimError(await scim.query('/Users', { count: 'ten' }), 400, 'invalidValue');
      expectScimError(await scim.query('/Users', { startIndex: '1.5' }), 400, 'invalidValue');
    });

    it('refuses a repeated parameter with 400', async () => {
      const response = await scim.get('/Users?count=1&count=2');

      expectScimError(response, 400, 'invalidValue');
    });
  });

  describe('cursor paging (RFC 9865)', () => {
    async function page(params: Record<string, string | number>): Promise<Json> {
      const response = await scim.query('/Users', params);
      expect([response.statusCode, response.body]).toEqual([200, expect.any(String)]);
      return response.json<Json>();
    }

    it('walks every page with nextCursor and back with previousCursor', async () => {
      const first = await page({ cursor: '', count: 2, sortBy: 'userName' });
      expect(first).toMatchObject({ totalResults: 6, itemsPerPage: 2 });
      expect(first.previousCursor).toBeUndefined();
      expect(first.startIndex).toBeUndefined();
      expect(first.nextCursor).toMatch(/^[A-Za-z0-9\-._~]+$/);

      const second = await page({ cursor: first.nextCursor, count: 2, sortBy: 'userName' });
      expect(second.previousCursor).toEqual(expect.any(String));
      const third = await page({ cursor: second.nextCursor, count: 2, sortBy: 'userName' });
      expect(third.nextCursor).toBeUndefined();
      expect(third.previousCursor).toEqual(expect.any(String));

      const all = [first, second, third].flatMap((p) => p.Resources.map((r: Json) => r.userName));
      expect(all).toEqual(['alice', 'bob', 'carol', 'dave', 'eve', 'frank']);

      const back = await page({ cursor: third.previousCursor, count: 2, sortBy: 'userName' });
      expect(back.Resources.map((r: Json) => r.userName)).toEqual(['carol', 'dave']);
    });

    it('pages a filtered query', async () => {
      const filter = 'title eq "engineer"';
      const first = await page({ cursor: '', count: 2, filter });
      const second = await page({ cursor: first.nextCursor, count: 2, filter });

      expect(second.nextCursor).toBeUndefined();
      const found = [...first.Resources, ...second.Resources].map((r: Json) => r.userName).sort();
      expect(found).toEqual(['alice', 'carol', 'frank']);
    });

    it('works in a SearchRequest body too', async () => {
      const first = await scim.post('/Users/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        cursor: '',
        count: 4,
      });
      expect(first.statusCode).toBe(200);
      const second = await scim.post('/Users/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        cursor: first.json<Json>().nextCursor,
        count: 4,
      });

      expect(second.statusCode).toBe(200);
      expect(second.json<Json>().Resources).toHaveLength(2);
    });

    it('refuses a tampered cursor with 400 invalidCursor', async () => {
      const first = await page({ cursor: '', count: 2 });
      const cursor: string = first.nextCursor;
      const tampered = cursor.slice(0, 10) + (cursor[10] === 'A' ? 'B' : 'A') + cursor.slice(11);

      expectScimError(await scim.query('/Users', { cursor: tampered, count: 2 }), 400, 'invalidCursor');
      expectScimError(
        await scim.query('/Users', { cursor: 'not a cursor!', count: 2 }),
        400,
        'invalidCursor',
      );
      expectScimError(await scim.query('/Users', { cursor: 'abc', count: 2 }), 400, 'invalidCursor');
    });

    it('refuses a cursor used with a different filter with 400 invalidCursor', async () => {
      const first = await page({ cursor: '', count: 2, filter: 'active eq true' });

      const response = await scim.query('/Users', {
        cursor: first.nextCursor,
        count: 2,
        filter: 'active eq false',
      });

      expectScimError(response, 400, 'invalidCursor');
    });

    it('refuses a cursor used on another endpoint with 400 invalidCursor', async () => {
      const first = await page({ cursor: '', count: 2 });

      expectScimError(
        await scim.query('/Groups', { cursor: first.nextCursor, count: 2 }),
        400,
        'invalidCursor',
      );
    });

    it('refuses a change of count with 400 invalidCount', async () => {
      const first = await page({ cursor: '', count: 2 });

      expectScimError(
        await scim.query('/Users', { cursor: first.nextCursor, count: 3 }),
        400,
        'invalidCount',
      );
    });

    it('refuses cursor and startIndex together with 400', async () => {
      expectScimError(await scim.query('/Users', { cursor: '', startIndex: 1 }), 400, 'invalidValue');
    });

    it('refuses a non-integer count in cursor mode with 400 invalidCount', async () => {
      expectScimError(await scim.query('/Users', { cursor: '', count: 'x' }), 400, 'invalidCount');
    });
  });

  describe('attributes / excludedAttributes (RFC 7644 §3.9)', () => {
    it('returns only the asked attributes plus id and schemas on a list', async () => {
      const body = (
        await scim.query('/Users', { filter: 'userName eq "alice"', attributes: 'userName,name.givenName' })
      ).json<Json>();

      expect(body.Resources).toEqual([
        {
          schemas: [USER_SCHEMA],
          id: users.get('alice')!.id,
          userName: 'alice',
          name: { givenName: 'Alice' },
        },
      ]);
    });

    it('returns only the asked extension attribute', async () => {
      const alice = users.get('alice')!;

      const body = (await scim.get(`/Users/${alice.id}?attributes=${ENTERPRISE}:department`)).json<Json>();

      expect(body).toEqual({
        schemas: [USER_SCHEMA, ENTERPRISE],
        id: alice.id,
        [ENTERPRISE]: { department: 'R&D' },
      });
    });

    it('leaves out excluded attributes on GET', async () => {
      const alice = users.get('alice')!;

      const body = (
        await scim.get(`/Users/${alice.id}?excludedAttributes=emails,name,${ENTERPRISE},id,schemas`)
      ).json<Json>();

      expect(body.emails).toBeUndefined();
      expect(body.name).toBeUndefined();
      expect(body[ENTERPRISE]).toBeUndefined();
      expect(body.id).toBe(alice.id);
      expect(body.schemas).toEqual([USER_SCHEMA, ACME]);
      expect(body.userName).toBe('alice');
    });

    it('matches attribute names case-insensitively', async () => {
      const alice = users.get('alice')!;

      const body = (await scim.get(`/Users/${alice.id}?attributes=USERNAME,Emails.Value`)).json<Json>();

      expect(body).toEqual({
        schemas: [USER_SCHEMA],
        id: alice.id,
        userName: 'alice',
        emails: [{ value: 'alice@corp.example' }, { value: 'alice@home.example' }],
      });
    });

    it('applies to POST, with Location and ETag still sent', async () => {
      const response = await scim.post('/Users?attributes=userName', {
        schemas: [USER_SCHEMA],
        userName: 'zoe-post',
        title: 'x',
      });

      expect(response.statusCode).toBe(201);
      const body = response.json<Json>();
      expect(body).toEqual({ schemas: [USER_SCHEMA], id: expect.any(String), userName: 'zoe-post' });
      expect(response.headers.location).toMatch(new RegExp(`/scim/v2/Users/${body.id}$`));
      expect(response.headers.etag).toMatch(/^W\/".+"$/);
      await scim.delete(`/Users/${body.id}`);
    });

    it('applies to PUT, with the ETag still sent', async () => {
      const created = await scim.createUser({ userName: 'zoe-put' });

      const response = await scim.put(`/Users/${created.id}?excludedAttributes=meta,userName`, {
        schemas: [USER_SCHEMA],
        userName: 'zoe-put',
        title: 'After',
      });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ schemas: [USER_SCHEMA], id: created.id, title: 'After' });
      expect(response.headers.etag).toMatch(/^W\/".+"$/);
      await scim.delete(`/Users/${created.id}`);
    });

    it('applies to PATCH', async () => {
      const created = await scim.createUser({ userName: 'zoe-patch' });

      const response = await scim.patch(
        `/Users/${created.id}?attributes=title`,
        patchOp({ op: 'add', path: 'title', value: 'T' }),
      );

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ schemas: [USER_SCHEMA], id: created.id, title: 'T' });
      expect(response.headers.etag).toMatch(/^W\/".+"$/);
      await scim.delete(`/Users/${created.id}`);
    });

    it('ignores unknown attribute names', async () => {
      const alice = users.get('alice')!;

      const response = await scim.get(`/Users/${alice.id}?attributes=userName,shoeSize`);

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ schemas: [USER_SCHEMA], id: alice.id, userName: 'alice' });
    });

    it('returns only id and schemas when every asked name is unknown, not the default set', async () => {
      const alice = users.get('alice')!;

      const response = await scim.get(`/Users/${alice.id}?attributes=nosuch`);

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ schemas: [USER_SCHEMA], id: alice.id });
    });

    it('leaves out group members when every asked name is unknown', async () => {
      const group = await scim.createGroup({
        displayName: 'attrs-nosuch',
        members: [{ value: users.get('alice')!.id }],
      });

      const one = await scim.get(`/Groups/${group.id}?attributes=nosuch`);
      const list = await scim.query('/Groups', {
        filter: 'displayName eq "attrs-nosuch"',
        attributes: 'nosuch',
      });

      expect(one.json()).toEqual({ schemas: [GROUP_SCHEMA], id: group.id });
      expect(list.json<Json>().Resources).toEqual([{ schemas: [GROUP_SCHEMA], id: group.id }]);
      await scim.delete(`/Groups/${group.id}`);
    });
  });

  it("ignores unknown query parameters such as Entra's aadOptscim062020", async () => {
    const response = await scim.get('/Users?aadOptscim062020&filter=userName%20eq%20%22bob%22&foo=bar');

    expect(response.statusCode).toBe(200);
    expect(response.json<Json>().Resources.map((r: Json) => r.userName)).toEqual(['bob']);
    const one = await scim.get(`/Users/${users.get('bob')!.id}?aadOptscim062020`);
    expect(one.statusCode).toBe(200);
  });
});

describe('Lookups by userName use the index (e2e)', () => {
  let t: TestApp;
  let scim: ScimClient;

  beforeAll(async () => {
    ({ t, scim } = await startClient());
    for (let i = 0; i < 300; i++) await scim.createUser({ userName: `many-${i}`, title: 'same' });
  });
  afterAll(() => t.close());

  it('tests one candidate, not every user, for userName eq (embedded store)', async () => {
    const candidates = jest.spyOn(ResourceCollection.prototype, 'candidates');
    try {
      const response = await scim.query('/Users', { filter: 'userName eq "MANY-150"' });

      expect(response.json<Json>().Resources.map((r: Json) => r.userName)).toEqual(['many-150']);
      expect(candidates).toHaveBeenCalled();
      expect(candidates.mock.results.map((r) => (r.value as unknown[]).length)).toEqual([1]);
    } finally {
      candidates.mockRestore();
    }
  });
});
