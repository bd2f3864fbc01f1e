/**
 * Tenant isolation (issue "Many tenants, one server"), tested rather than assumed: two tenants hold users and
 * groups with the same userNames and displayNames; every SCIM operation of tenant A must never return, count,
 * modify or reference tenant B's resources. A foreign id answers exactly as an unknown id does. Run once per
 * credential kind: static tokens and OAuth access tokens.
 */
import { createTestApp, TestApp } from './harness';
import { ADMIN_TOKEN, createTenantWithOAuthClient, createTenantWithToken, Json } from './support/tenants';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const SEARCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
/** An id no tenant has, to compare "foreign" with "unknown". */
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

type Headers = { authorization: string };
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Seeded {
  headers: Headers;
  alice: string;
  bob: string;
  sales: string;
  admins: string;
}

const user = (name: string, extra: Json = {}) => ({
  schemas: [USER_SCHEMA],
  userName: `${name}@example.com`,
  externalId: name,
  displayName: name[0].toUpperCase() + name.slice(1),
  ...extra,
});
const group = (displayName: string, members: string[] = []) => ({
  schemas: [GROUP_SCHEMA],
  displayName,
  members: members.map((value) => ({ value })),
});
const patch = (...operations: Json[]) => ({ schemas: [PATCH_SCHEMA], Operations: operations });

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ adminToken: ADMIN_TOKEN, authFailureLimitPerMinute: 0 });
});
afterAll(() => t.close());

async function send(headers: Headers, method: Method, url: string, payload?: unknown) {
  return t.app.inject({ method, url: `/scim/v2${url}`, headers, payload: payload as never });
}

async function created(headers: Headers, url: string, payload: unknown): Promise<string> {
  const response = await send(headers, 'POST', url, payload);
  if (response.statusCode !== 201) throw new Error(`POST ${url}: ${response.statusCode} ${response.body}`);
  return (response.json() as { id: string }).id;
}

/** Identical data in every tenant: same userNames, externalIds, displayNames, group names and structure. */
async function seed(headers: Headers): Promise<Seeded> {
  const alice = await created(headers, '/Users', user('alice'));
  const bob = await created(headers, '/Users', user('bob'));
  const sales = await created(headers, '/Groups', group('Sales', [alice]));
  const admins = await created(headers, '/Groups', group('Admins', [bob]));
  return { headers, alice, bob, sales, admins };
}

/** Everything a tenant holds, as its own credential sees it (full bodies, members included). */
async function snapshot(headers: Headers): Promise<Json[]> {
  const users = (await send(headers, 'GET', '/Users?sortBy=id')).json().Resources as Json[];
  const groups = (await send(headers, 'GET', '/Groups?sortBy=id')).json().Resources as Json[];
  return [...users, ...groups];
}

function describeIsolation(
  kind: string,
  credential: (t: TestApp, tenantId: string) => Promise<Headers>,
): void {
  describe(`Tenant isolation with ${kind} (e2e)`, () => {
    let a: Seeded;
    let b: Seeded;
    let bBefore: Json[];

    /** The 404 of an unknown id, with that id replaced by the one asked for. */
    async function unknownAnswer(method: Method, endpoint: string, id: string, payload?: unknown) {
      const response = await send(a.headers, method, `/${endpoint}/${UNKNOWN_ID}`, payload);
      return {
        status: response.statusCode,
        body: JSON.parse(response.body.split(UNKNOWN_ID).join(id)) as Json,
        contentType: response.headers['content-type'],
      };
    }

    async function expectAnswersLikeUnknown(method: Method, endpoint: string, id: string, payload?: unknown) {
      const foreign = await send(a.headers, method, `/${endpoint}/${id}`, payload);
      const unknown = await unknownAnswer(method, endpoint, id, payload);
      expect({
        status: foreign.statusCode,
        body: foreign.json(),
        contentType: foreign.headers['content-type'],
      }).toEqual(unknown);
      expect(foreign.statusCode).toBe(404);
    }

    beforeAll(async () => {
      const slug = kind.replace(/\W+/g, '-');
      a = await seed(await credential(t, `${slug}-a`));
      b = await seed(await credential(t, `${slug}-b`));
      bBefore = await snapshot(b.headers);
    });

    // Every test ends by checking that tenant B is exactly as it was: nothing A does may modify it.
    afterEach(async () => {
      expect(await snapshot(b.headers)).toEqual(bBefore);
    });

    describe('reads', () => {
      it('answers GET of a foreign User or Group with 404, exactly as an unknown id', async () => {
        await expectAnswersLikeUnknown('GET', 'Users', b.alice);
        await expectAnswersLikeUnknown('GET', 'Groups', b.sales);
      });

      it('answers GET with If-None-Match of a foreign id with 404, not 304', async () => {
        const version = (await send(b.headers, 'GET', `/Users/${b.alice}`)).headers.etag as string;

        const response = await t.app.inject({
          method: 'GET',
          url: `/scim/v2/Users/${b.alice}`,
          headers: { ...a.headers, 'if-none-match': version },
        });

        expect(response.statusCode).toBe(404);
      });

      it('lists and counts only its own Users and Groups', async () => {
        const users = (await send(a.headers, 'GET', '/Users')).json();
        const groups = (await send(a.headers, 'GET', '/Groups')).json();

        expect(users.totalResults).toBe(2);
        expect(users.Resources.map((r: Json) => r.id).sort()).toEqual([a.alice, a.bob].sort());
        expect(groups.totalResults).toBe(2);
        expect(groups.Resources.map((r: Json) => r.id).sort()).toEqual([a.sales, a.admins].sort());
      });

      it.each([
        ['userName eq "alice@example.com"', 'alice'],
        ['externalId eq "alice"', 'alice'],
        ['displayName eq "Bob"', 'bob'],
        ['userName sw "ALICE"', 'alice'],
      ] as const)('filters Users by %s within its own tenant only', async (filter, who) => {
        const response = await send(a.headers, 'GET', `/Users?filter=${encodeURIComponent(filter)}`);

        expect(response.json().totalResults).toBe(1);
        expect(response.json().Resources.map((r: Json) => r.id)).toEqual([a[who]]);
      });

      it('finds nothing with "id eq" a foreign id, and itself with its own', async () => {
        const foreign = await send(
          a.headers,
          'GET',
          `/Users?filter=${encodeURIComponent(`id eq "${b.alice}"`)}`,
        );
        const own = await send(a.headers, 'GET', `/Users?filter=${encodeURIComponent(`id eq "${a.alice}"`)}`);

        expect([foreign.statusCode, foreign.json().totalResults, foreign.json().Resources]).toEqual([
          200,
          0,
          [],
        ]);
        expect(own.json().Resources.map((r: Json) => r.id)).toEqual([a.alice]);
      });

      it('filters Groups by displayName and by members[value eq] within its own tenant only', async () => {
        const byName = await send(
          a.headers,
          'GET',
          `/Groups?filter=${encodeURIComponent('displayName eq "Sales"')}`,
        );
        const byForeignMember = await send(
          a.headers,
          'GET',
          `/Groups?filter=${encodeURIComponent(`members[value eq "${b.alice}"]`)}`,
        );
        const byOwnMember = await send(
          a.headers,
          'GET',
          `/Groups?filter=${encodeURIComponent(`members[value eq "${a.alice}"]`)}&excludedAttributes=members`,
        );

        expect(byName.json().Resources.map((r: Json) => r.id)).toEqual([a.sales]);
        expect([byForeignMember.json().totalResults, byForeignMember.json().Resources]).toEqual([0, []]);
        expect(byOwnMember.json().Resources.map((r: Json) => r.id)).toEqual([a.sales]);
      });

      it('filters Groups by members.value and members pr within its own tenant only', async () => {
        const byValue = await send(
          a.headers,
          'GET',
          `/Groups?filter=${encodeURIComponent(`members.value eq "${b.bob}"`)}`,
        );
        const present = await send(a.headers, 'GET', `/Groups?filter=${encodeURIComponent('members pr')}`);

        expect(byValue.json().totalResults).toBe(0);
        expect(
          present
            .json()
            .Resources.map((r: Json) => r.id)
            .sort(),
        ).toEqual([a.sales, a.admins].sort());
      });

      it('sorts only its own resources', async () => {
        const response = await send(a.headers, 'GET', '/Users?sortBy=userName&sortOrder=descending');

        expect(response.json().Resources.map((r: Json) => r.id)).toEqual([a.bob, a.alice]);
        expect(response.json().totalResults).toBe(2);
      });

      it('shows members and groups of its own tenant only', async () => {
        const sales = (await send(a.headers, 'GET', `/Groups/${a.sales}`)).json();
        const alice = (await send(a.headers, 'GET', `/Users/${a.alice}`)).json();

        expect(sales.members.map((m: Json) => m.value)).toEqual([a.alice]);
        expect(alice.groups.map((g: Json) => g.value)).toEqual([a.sales]);
      });

      it('pages with cursors over its own resources; its cursor is invalid for the other tenant', async () => {
        const first = (await send(a.headers, 'GET', '/Users?cursor=&count=1&sortBy=userName')).json();
        const next = first.nextCursor as string;

        const mine = await send(
          a.headers,
          'GET',
          `/Users?cursor=${encodeURIComponent(next)}&count=1&sortBy=userName`,
        );
        const theirs = await send(
          b.headers,
          'GET',
          `/Users?cursor=${encodeURIComponent(next)}&count=1&sortBy=userName`,
        );

        expect(first.totalResults).toBe(2);
        expect(first.Resources.map((r: Json) => r.id)).toEqual([a.alice]);
        expect(mine.json().Resources.map((r: Json) => r.id)).toEqual([a.bob]);
        expect(theirs.statusCode).toBe(400);
        expect(theirs.json()).toMatchObject({ status: '400', scimType: 'invalidCursor' });
      });

      it('answers the other tenant with the same error for a foreign cursor as for a forged one', async () => {
        const next = (await send(a.headers, 'GET', '/Users?cursor=&count=1')).json().nextCursor as string;

        const foreign = await send(b.headers, 'GET', `/Users?cursor=${encodeURIComponent(next)}&count=1`);
        const forged = await send(
          b.headers,
          'GET',
          `/Users?cursor=${encodeURIComponent(`${next.slice(0, -2)}AA`)}&count=1`,
        );

        expect(foreign.json()).toEqual(forged.json());
      });
    });

    describe('.search', () => {
      it('searches across types in its own tenant only', async () => {
        const response = await send(a.headers, 'POST', '/.search', {
          schemas: [SEARCH_SCHEMA],
          filter: 'userName eq "alice@example.com" or displayName eq "Sales"',
        });

        expect(response.statusCode).toBe(200);
        expect(response.json().totalResults).toBe(2);
        expect(response.json().Resources.map((r: Json) => r.id)).toEqual([a.alice, a.sales]);
      });

      it('finds nothing by a foreign id on /Users/.search and /Groups/.search', async () => {
        const users = await send(a.headers, 'POST', '/Users/.search', {
          schemas: [SEARCH_SCHEMA],
          filter: `id eq "${b.alice}"`,
        });
        const groups = await send(a.headers, 'POST', '/Groups/.search', {
          schemas: [SEARCH_SCHEMA],
          filter: `members[value eq "${b.bob}"]`,
        });

        expect([users.json().totalResults, groups.json().totalResults]).toEqual([0, 0]);
      });

      it('counts only its own resources in a search without filter', async () => {
        const response = await send(a.headers, 'POST', '/.search', { schemas: [SEARCH_SCHEMA], count: 0 });

        expect(response.json().totalResults).toBe(4);
      });
    });

    describe('writes', () => {
      it('answers PUT of a foreign User or Group with 404, exactly as an unknown id', async () => {
        await expectAnswersLikeUnknown('PUT', 'Users', b.alice, user('alice', { displayName: 'Mallory' }));
        await expectAnswersLikeUnknown('PUT', 'Groups', b.sales, group('Sales'));
      });

      it('answers PATCH of a foreign User or Group with 404, exactly as an unknown id', async () => {
        await expectAnswersLikeUnknown(
          'PATCH',
          'Users',
          b.alice,
          patch({ op: 'replace', path: 'active', value: false }),
        );
        await expectAnswersLikeUnknown(
          'PATCH',
          'Groups',
          b.sales,
          patch({ op: 'add', path: 'members', value: [{ value: a.alice }] }),
        );
      });

      it('answers DELETE of a foreign User or Group with 404, exactly as an unknown id', async () => {
        await expectAnswersLikeUnknown('DELETE', 'Users', b.alice);
        await expectAnswersLikeUnknown('DELETE', 'Groups', b.sales);
      });

      it('refuses a foreign member exactly as an unknown one: POST, PUT and PATCH of a Group', async () => {
        const cases: [Method, string, (id: string) => unknown][] = [
          ['POST', '/Groups', (id) => group('Foreign members', [id])],
          ['PUT', `/Groups/${a.sales}`, (id) => group('Sales', [a.alice, id])],
          [
            'PATCH',
            `/Groups/${a.sales}`,
            (id) => patch({ op: 'add', path: 'members', value: [{ value: id }] }),
          ],
          [
            'PATCH',
            `/Groups/${a.sales}`,
            (id) => patch({ op: 'replace', path: 'members', value: [{ value: id }] }),
          ],
        ];
        for (const [method, url, body] of cases) {
          const foreign = await send(a.headers, method, url, body(b.bob));
          const unknown = await send(a.headers, method, url, body(UNKNOWN_ID));
          expect([method, url, foreign.statusCode]).toEqual([method, url, 400]);
          expect(foreign.json()).toEqual(JSON.parse(unknown.body.split(UNKNOWN_ID).join(b.bob)));
          expect(foreign.json()).toMatchObject({ scimType: 'invalidValue' });
        }
        expect(
          (await send(a.headers, 'GET', `/Groups/${a.sales}`)).json().members.map((m: Json) => m.value),
        ).toEqual([a.alice]);
      });

      it('refuses a foreign manager reference exactly as an unknown one, if it checks references at all', async () => {
        const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
        const body = (id: string) => patch({ op: 'replace', path: `${enterprise}:manager`, value: id });

        const foreign = await send(a.headers, 'PATCH', `/Users/${a.bob}`, body(b.alice));
        const unknown = await send(a.headers, 'PATCH', `/Users/${a.bob}`, body(UNKNOWN_ID));

        expect(foreign.statusCode).toBe(unknown.statusCode);
        if (foreign.statusCode >= 400) {
          expect(foreign.json()).toEqual(JSON.parse(unknown.body.split(UNKNOWN_ID).join(b.alice)));
        }
        // Whatever was stored, reading it back never reveals anything of tenant B.
        const read = (await send(a.headers, 'GET', `/Users/${a.bob}`)).body;
        expect(read).not.toContain('"Alice"');
        await send(
          a.headers,
          'PATCH',
          `/Users/${a.bob}`,
          patch({ op: 'remove', path: `${enterprise}:manager` }),
        );
      });

      it('removing a foreign member by filter changes nothing', async () => {
        const response = await send(
          a.headers,
          'PATCH',
          `/Groups/${a.sales}`,
          patch({ op: 'remove', path: `members[value eq "${b.alice}"]` }),
        );

        expect(response.statusCode).toBeLessThan(500);
        expect(
          (await send(a.headers, 'GET', `/Groups/${a.sales}`)).json().members.map((m: Json) => m.value),
        ).toEqual([a.alice]);
      });

      it('creates a userName and a Group displayName that the other tenant already uses', async () => {
        const carol = await send(a.headers, 'POST', '/Users', user('carol'));
        const again = await send(a.headers, 'POST', '/Users', user('alice'));
        const team = await send(a.headers, 'POST', '/Groups', group('Admins'));

        expect(carol.statusCode).toBe(201);
        expect([again.statusCode, again.json().scimType]).toEqual([409, 'uniqueness']);
        expect([team.statusCode, team.json().scimType]).toEqual([409, 'uniqueness']);
        await send(a.headers, 'DELETE', `/Users/${carol.json().id}`);
      });

      it('replaces and patches its own resources, whose twins in the other tenant stay as they are', async () => {
        const put = await send(
          a.headers,
          'PUT',
          `/Users/${a.alice}`,
          user('alice', { displayName: 'Alice A.' }),
        );
        const patched = await send(
          a.headers,
          'PATCH',
          `/Groups/${a.sales}`,
          patch({ op: 'add', path: 'members', value: [{ value: a.bob }] }),
        );

        expect(put.statusCode).toBe(200);
        expect(patched.statusCode).toBeLessThan(300);
        await send(a.headers, 'PUT', `/Users/${a.alice}`, user('alice'));
        await send(
          a.headers,
          'PATCH',
          `/Groups/${a.sales}`,
          patch({ op: 'remove', path: `members[value eq "${a.bob}"]` }),
        );
      });
    });

    describe('Bulk', () => {
      it('resolves bulkIds within its own tenant and never reaches the other tenant', async () => {
        const response = await send(a.headers, 'POST', '/Bulk', {
          schemas: [BULK_SCHEMA],
          Operations: [
            { method: 'POST', path: '/Users', bulkId: 'dave', data: user('dave') },
            { method: 'POST', path: '/Groups', bulkId: 'ops', data: group('Ops', ['bulkId:dave']) },
            {
              method: 'PATCH',
              path: `/Users/${b.alice}`,
              data: patch({ op: 'replace', path: 'active', value: false }),
            },
            { method: 'PUT', path: `/Groups/${b.sales}`, data: group('Sales') },
            { method: 'DELETE', path: `/Users/${b.bob}` },
            { method: 'POST', path: '/Groups', bulkId: 'foreign', data: group('Foreign', [b.alice]) },
            {
              method: 'PATCH',
              path: '/Groups/bulkId:ops',
              data: patch({ op: 'add', path: 'members', value: [{ value: b.bob }] }),
            },
          ],
        });

        expect(response.statusCode).toBe(200);
        const statuses = (response.json().Operations as Json[]).map((o) => String(o.status));
        expect(statuses).toEqual(['201', '201', '404', '404', '404', '400', '400']);
        const ops = (response.json().Operations as Json[])[1].location as string;
        const opsId = ops.slice(ops.lastIndexOf('/') + 1);
        const opsGroup = (await send(a.headers, 'GET', `/Groups/${opsId}`)).json();
        const daveId = (response.json().Operations as Json[])[0].location as string;
        expect(opsGroup.members.map((m: Json) => m.value)).toEqual([
          daveId.slice(daveId.lastIndexOf('/') + 1),
        ]);
        expect((await send(a.headers, 'GET', '/Users')).json().totalResults).toBe(3);

        await send(a.headers, 'DELETE', `/Groups/${opsId}`);
        await send(a.headers, 'DELETE', `/Users/${daveId.slice(daveId.lastIndexOf('/') + 1)}`);
      });

      it('does not resolve a bulkId that the other tenant defined', async () => {
        const defined = await send(b.headers, 'POST', '/Bulk', {
          schemas: [BULK_SCHEMA],
          Operations: [{ method: 'POST', path: '/Users', bulkId: 'shared', data: user('erin') }],
        });
        expect(String(defined.json().Operations[0].status)).toBe('201');
        bBefore = await snapshot(b.headers);

        const response = await send(a.headers, 'POST', '/Bulk', {
          schemas: [BULK_SCHEMA],
          Operations: [
            { method: 'POST', path: '/Groups', bulkId: 'refs', data: group('Refs', ['bulkId:shared']) },
          ],
        });

        expect(response.statusCode).toBeLessThan(500);
        const status =
          response.statusCode === 200
            ? String(response.json().Operations[0].status)
            : String(response.statusCode);
        expect(status).toMatch(/^4/);
        expect(
          (
            await send(a.headers, 'GET', `/Groups?filter=${encodeURIComponent('displayName eq "Refs"')}`)
          ).json().totalResults,
        ).toBe(0);
      });
    });

    describe('deletes', () => {
      it('deleting its own member leaves the twin membership of the other tenant in place', async () => {
        const response = await send(a.headers, 'DELETE', `/Users/${a.bob}`);
        const admins = (await send(a.headers, 'GET', `/Groups/${a.admins}`)).json();

        expect(response.statusCode).toBe(204);
        expect(admins.members ?? []).toEqual([]);
        expect(
          (await send(b.headers, 'GET', `/Groups/${b.admins}`)).json().members.map((m: Json) => m.value),
        ).toEqual([b.bob]);
      });
    });
  });
}

describeIsolation('static tokens', createTenantWithToken);
describeIsolation('OAuth access tokens', createTenantWithOAuthClient);
