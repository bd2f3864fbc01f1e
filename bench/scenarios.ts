import { PATCH_OP_SCHEMA } from '../src/scim/schema/schema-urns';
import { RequestSpec, Scenario } from './load';
import { userBody } from './seed';

const BASE = '/scim/v2';

export interface ScenarioData {
  /** Seeded users; userIds[n] has userName `user-${n}`. */
  userIds: string[];
  bigGroupId: string;
  smallGroupId: string;
  /** Member count of each group (its members are the first N users). */
  bigGroupMembers: number;
  smallGroupMembers: number;
}

const randomInt = (below: number) => Math.floor(Math.random() * below);

/** Entra's member PATCH dialect (docs/entra.md §4.13, §4.14): a value list for Add and for Remove. */
function memberPatch(op: 'Add' | 'Remove', memberId: string) {
  return { schemas: [PATCH_OP_SCHEMA], Operations: [{ op, path: 'members', value: [{ value: memberId }] }] };
}

/** Entra's initial cycle: filter by userName, then POST (two requests per user). */
export const ENTRA_SYNC_SCENARIO = 'Entra initial sync: filter, then POST /Users';

/** Name of the membership scenario of a group of this size. */
export const groupScenarioName = (members: number) =>
  `PATCH Group (${members.toLocaleString('en-US')} members): remove + add one member`;

/**
 * Each pass of a connection removes one member of the group, then adds the same member back: every request
 * touches a different user, the group keeps its size (minus at most one member per connection in flight), and
 * add and remove are measured under the same conditions. A pass that the end of a run cuts in half is undone
 * afterwards by adding back the members of the last passes (adding a present member changes nothing).
 */
function groupMembershipScenario(groupId: string, memberIds: readonly string[]): Scenario {
  let next = 0;
  const path = `${BASE}/Groups/${groupId}`;
  const recent: string[] = [];
  return {
    name: groupScenarioName(memberIds.length),
    settle: async ({ url, token }) => {
      const value = [...new Set(recent)].map((id) => ({ value: id }));
      const response = await fetch(`${url}${path}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: [PATCH_OP_SCHEMA],
          Operations: [{ op: 'Add', path: 'members', value }],
        }),
      });
      if (response.status !== 204)
        throw new Error(`re-adding members: ${response.status} ${await response.text()}`);
      recent.length = 0;
    },
    steps: [
      (context): RequestSpec => {
        const memberId = memberIds[next++ % memberIds.length];
        context.memberId = memberId;
        recent.push(memberId);
        if (recent.length > 1000) recent.splice(0, 500);
        return { kind: 'remove', method: 'PATCH', path, body: memberPatch('Remove', memberId), expect: 204 };
      },
      (context): RequestSpec => ({
        kind: 'add',
        method: 'PATCH',
        path,
        body: memberPatch('Add', context.memberId as string),
        expect: 204,
      }),
    ],
  };
}

/** The measured scenarios, in the order they run. */
export function scenarios(data: ScenarioData): Scenario[] {
  const { userIds } = data;
  const users = userIds.length;
  let created = 0;
  let title = 0;
  let synced = 0;
  return [
    {
      name: 'GET /Users/{id}',
      steps: [
        () => ({
          kind: 'get',
          method: 'GET',
          path: `${BASE}/Users/${userIds[randomInt(users)]}`,
          expect: 200,
        }),
      ],
    },
    {
      name: 'GET /Users?filter=userName eq',
      steps: [
        () => ({
          kind: 'filter',
          method: 'GET',
          path: `${BASE}/Users?filter=${encodeURIComponent(`userName eq "user-${randomInt(users)}"`)}`,
          expect: 200,
          check: (body) => body.includes('"totalResults":1'),
        }),
      ],
    },
    {
      name: 'GET /Users?startIndex=…&count=100',
      steps: [
        () => ({
          kind: 'page',
          method: 'GET',
          path: `${BASE}/Users?startIndex=${1 + randomInt(Math.max(1, users - 100))}&count=100`,
          expect: 200,
          check: (body) => body.includes('"itemsPerPage":100'),
        }),
      ],
    },
    {
      // A sorted page: without a cached order (embedded) or an index (MongoDB) every page sorts all users.
      name: 'GET /Users?sortBy=userName&startIndex=…&count=100',
      steps: [
        () => ({
          kind: 'sorted page',
          method: 'GET',
          path: `${BASE}/Users?sortBy=userName&startIndex=${1 + randomInt(Math.max(1, users - 100))}&count=100`,
          expect: 200,
          check: (body) => body.includes('"itemsPerPage":100'),
        }),
      ],
    },
    {
      name: 'POST /Users',
      // userNames user-<users>, user-<users+1>, …: unique, and like the seeded ones.
      steps: [
        () => ({
          kind: 'post',
          method: 'POST',
          path: `${BASE}/Users`,
          body: userBody(users + created++),
          expect: 201,
        }),
      ],
    },
    {
      // What Entra does for each user of an initial cycle (docs/entra.md): look the user up by userName, and
      // create it when the filter finds none. Each pass is one user; users/s is half of this scenario's req/s.
      name: ENTRA_SYNC_SCENARIO,
      steps: [
        (context) => {
          // Far above the POST scenario's userNames, so the two never collide.
          const n = users * 1000 + synced++;
          context.n = n;
          return {
            kind: 'filter',
            method: 'GET',
            path: `${BASE}/Users?filter=${encodeURIComponent(`userName eq "user-${n}"`)}`,
            expect: 200,
            check: (body) => body.includes('"totalResults":0'),
          };
        },
        (context) => ({
          kind: 'post',
          method: 'POST',
          path: `${BASE}/Users`,
          body: userBody(context.n as number),
          expect: 201,
        }),
      ],
    },
    {
      name: 'PATCH /Users/{id} replace title',
      steps: [
        () => ({
          kind: 'patch',
          method: 'PATCH',
          path: `${BASE}/Users/${userIds[randomInt(users)]}`,
          // A new value each time: an unchanged value is a no-op that writes nothing (RFC 7644 §3.5.2).
          body: {
            schemas: [PATCH_OP_SCHEMA],
            Operations: [{ op: 'Replace', path: 'title', value: `Title ${title++}` }],
          },
          expect: 200,
        }),
      ],
    },
    groupMembershipScenario(data.smallGroupId, userIds.slice(0, data.smallGroupMembers)),
    groupMembershipScenario(data.bigGroupId, userIds.slice(0, data.bigGroupMembers)),
  ];
}
