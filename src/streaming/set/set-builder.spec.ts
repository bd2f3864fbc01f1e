import type { JournalEntry } from '../../store/ports';
import { SCIM_EVENTS } from './scim-events';
import {
  buildSets,
  carriesSets,
  eventUrisOf,
  normalisedPatchOp,
  PATCH_OP_SCHEMA,
  SetContext,
  setJti,
  setTxn,
} from './set-builder';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function entry(overrides: Partial<JournalEntry> = {}): JournalEntry {
  return {
    tenantId: 'contoso',
    seq: 42,
    time: '2026-05-14T10:00:05.750Z',
    actor: { credentialId: 'c1', label: 'Entra' },
    operation: 'patch',
    resourceType: 'User',
    resourceId: 'u1',
    externalId: 'jdoe',
    version: 'W/"3"',
    location: 'https://scim.example.com/scim/v2/Users/u1',
    changedAttributes: ['displayName'],
    snapshot: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: 'u1',
      userName: 'jdoe',
      displayName: 'J. Doe',
      active: true,
    },
    ...overrides,
  };
}

const context: SetContext = {
  issuer: 'https://scim.example.com',
  audience: 'https://receiver.example.com',
  format: 'full',
  subscriptionId: 'sub-1',
  issuedAt: new Date('2026-05-14T10:00:07.000Z'),
};

const uris = (e: JournalEntry, format: 'full' | 'notice') => eventUrisOf(e, format);

describe('SET builder (RFC 9967)', () => {
  describe('envelope', () => {
    it('has iss, aud, iat, jti, txn, toe and sub_id, never sub or exp', () => {
      const [set] = buildSets(entry(), context);
      expect(Object.keys(set).sort()).toEqual(['aud', 'events', 'iat', 'iss', 'jti', 'sub_id', 'toe', 'txn']);
      expect(set).toMatchObject({
        iss: 'https://scim.example.com',
        aud: 'https://receiver.example.com',
        iat: Date.parse('2026-05-14T10:00:07Z') / 1000,
        // toe: the commit time, whole seconds (NumericDate, RFC 7519 §2).
        toe: Math.floor(Date.parse('2026-05-14T10:00:05.750Z') / 1000),
        txn: 'contoso:42',
        sub_id: { format: 'scim', uri: '/Users/u1', id: 'u1', externalId: 'jdoe' },
      });
      expect(set).not.toHaveProperty('sub');
      expect(set).not.toHaveProperty('exp');
    });

    it('keeps an array audience as given', () => {
      const [set] = buildSets(entry(), { ...context, audience: ['a', 'b'] });
      expect(set.aud).toEqual(['a', 'b']);
    });

    it('gives a Group subject the /Groups uri and leaves externalId out when unknown', () => {
      const [set] = buildSets(
        entry({ resourceType: 'Group', resourceId: 'g1', externalId: undefined, operation: 'membership' }),
        context,
      );
      expect(set.sub_id).toEqual({ format: 'scim', uri: '/Groups/g1', id: 'g1' });
    });

    it('uses iat = now when no time is given', () => {
      const before = Math.floor(Date.now() / 1000);
      const [set] = buildSets(entry(), { ...context, issuedAt: undefined });
      expect(set.iat).toBeGreaterThanOrEqual(before);
      expect(set.iat).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    });
  });

  describe('jti and txn', () => {
    it('is the same SET on every build (retry, restart): same jti, same txn', () => {
      expect(buildSets(entry(), context)[0].jti).toBe(buildSets(entry(), context)[0].jti);
      expect(setTxn('contoso', 42)).toBe('contoso:42');
    });

    it('differs per subscription, per change, per tenant and per event of one change', () => {
      const jtis = [
        setJti('sub-1', 'contoso', 42, SCIM_EVENTS.patchFull),
        setJti('sub-2', 'contoso', 42, SCIM_EVENTS.patchFull),
        setJti('sub-1', 'contoso', 43, SCIM_EVENTS.patchFull),
        setJti('sub-1', 'fabrikam', 42, SCIM_EVENTS.patchFull),
        setJti('sub-1', 'contoso', 42, SCIM_EVENTS.deactivate),
      ];
      expect(new Set(jtis).size).toBe(jtis.length);
      expect(jtis.every((j) => /^[0-9a-f]{32}$/.test(j))).toBe(true);
    });

    it('gives the two SETs of one change one txn and two jtis', () => {
      const sets = buildSets(entry({ operation: 'deactivate', changedAttributes: ['active'] }), context);
      expect(sets).toHaveLength(2);
      expect(new Set(sets.map((s) => s.txn))).toEqual(new Set(['contoso:42']));
      expect(sets[0].jti).not.toBe(sets[1].jti);
    });
  });

  describe('event URIs (lower-case final form), one event per SET', () => {
    it.each([
      ['create', 'full', [SCIM_EVENTS.createFull]],
      ['create', 'notice', [SCIM_EVENTS.createNotice]],
      ['patch', 'full', [SCIM_EVENTS.patchFull]],
      ['patch', 'notice', [SCIM_EVENTS.patchNotice]],
      ['membership', 'full', [SCIM_EVENTS.patchFull]],
      ['replace', 'full', [SCIM_EVENTS.putFull]],
      ['replace', 'notice', [SCIM_EVENTS.putNotice]],
      ['delete', 'full', [SCIM_EVENTS.delete]],
      ['delete', 'notice', [SCIM_EVENTS.delete]],
      ['activate', 'full', [SCIM_EVENTS.patchFull, SCIM_EVENTS.activate]],
      ['deactivate', 'notice', [SCIM_EVENTS.patchNotice, SCIM_EVENTS.deactivate]],
    ] as const)('%s (%s) → %j', (operation, format, expected) => {
      const e = entry({ operation });
      expect(uris(e, format)).toEqual(expected);
      const sets = buildSets(e, { ...context, format });
      expect(sets.map((s) => Object.keys(s.events))).toEqual(expected.map((u) => [u]));
    });

    it('are all lower-case urn:ietf:params:scim:event:prov:…', () => {
      for (const uri of Object.values(SCIM_EVENTS)) {
        expect(uri).toMatch(/^urn:ietf:params:scim:event:prov:[a-z:]+$/);
      }
    });

    it('adds activate / deactivate to a PUT of a User that changed active', () => {
      const put = (active: boolean) =>
        entry({
          operation: 'replace',
          changedAttributes: ['active'],
          snapshot: { ...entry().snapshot, active },
        });
      expect(uris(put(false), 'full')).toEqual([SCIM_EVENTS.putFull, SCIM_EVENTS.deactivate]);
      expect(uris(put(true), 'notice')).toEqual([SCIM_EVENTS.putNotice, SCIM_EVENTS.activate]);
      // active removed by the PUT: neither.
      const removed = entry({ operation: 'replace', changedAttributes: ['active'], snapshot: { id: 'u1' } });
      expect(uris(removed, 'full')).toEqual([SCIM_EVENTS.putFull]);
      // active unchanged: neither.
      expect(uris(entry({ operation: 'replace', changedAttributes: ['title'] }), 'full')).toEqual([
        SCIM_EVENTS.putFull,
      ]);
    });

    it('never sends activate / deactivate for a Group', () => {
      const group = entry({ resourceType: 'Group', operation: 'deactivate' });
      expect(uris(group, 'full')).toEqual([SCIM_EVENTS.patchFull]);
    });

    it('follows a Group PUT that changed members with a patch:full of the member delta (full only)', () => {
      const put = entry({
        resourceType: 'Group',
        resourceId: 'g1',
        operation: 'replace',
        changedAttributes: ['displayName', 'members'],
        snapshot: { id: 'g1', displayName: 'Admins' },
        members: { added: [{ value: 'u2', type: 'User' }], removed: [] },
      });
      expect(uris(put, 'full')).toEqual([SCIM_EVENTS.putFull, SCIM_EVENTS.patchFull]);
      expect(uris(put, 'notice')).toEqual([SCIM_EVENTS.putNotice]);
      const [putSet, members] = buildSets(put, context);
      expect(putSet.events[SCIM_EVENTS.putFull].data).toEqual({ id: 'g1', displayName: 'Admins' });
      expect(members.events[SCIM_EVENTS.patchFull].data).toEqual({
        schemas: [PATCH_OP_SCHEMA],
        Operations: [{ op: 'add', path: 'members', value: [{ value: 'u2', type: 'User' }] }],
      });
      expect(members.events[SCIM_EVENTS.patchFull].version).toBe('W/"3"');
    });

    it('makes no SET of an admin action or of another resource type', () => {
      const admin = entry({
        operation: 'admin',
        resourceType: 'Subscription',
        adminAction: 'subscription.created',
      });
      expect(carriesSets(admin)).toBe(false);
      expect(buildSets(admin, context)).toEqual([]);
      expect(carriesSets({ operation: 'create', resourceType: 'Tenant' })).toBe(false);
      expect(carriesSets({ operation: 'create', resourceType: 'User' })).toBe(true);
    });
  });

  describe('payloads', () => {
    it('create:full carries the resource as created and its version', () => {
      const e = entry({ operation: 'create', changedAttributes: ['userName', 'displayName', 'active'] });
      const [set] = buildSets(e, context);
      expect(set.events[SCIM_EVENTS.createFull]).toEqual({ data: e.snapshot, version: 'W/"3"' });
    });

    it('create:full of a Group carries its members from the delta', () => {
      const e = entry({
        operation: 'create',
        resourceType: 'Group',
        snapshot: { id: 'g1', displayName: 'Admins' },
        members: {
          added: [
            { value: 'u1', type: 'User' },
            { value: 'g2', type: 'Group' },
          ],
          removed: [],
        },
      });
      expect(buildSets(e, context)[0].events[SCIM_EVENTS.createFull].data).toEqual({
        id: 'g1',
        displayName: 'Admins',
        members: [
          { value: 'u1', type: 'User' },
          { value: 'g2', type: 'Group' },
        ],
      });
    });

    it('notice carries attribute names and version, never data', () => {
      const e = entry({ changedAttributes: ['displayName', 'password', `${ENTERPRISE}:department`] });
      const [set] = buildSets(e, { ...context, format: 'notice' });
      expect(set.events[SCIM_EVENTS.patchNotice]).toEqual({
        attributes: ['displayName', 'password', `${ENTERPRISE}:department`],
        version: 'W/"3"',
      });
    });

    it('a membership notice names members even when only the delta says so', () => {
      const e = entry({
        operation: 'membership',
        resourceType: 'Group',
        changedAttributes: [],
        members: { added: [], removed: [{ value: 'u1', type: 'User' }] },
      });
      expect(
        buildSets(e, { ...context, format: 'notice' })[0].events[SCIM_EVENTS.patchNotice].attributes,
      ).toEqual(['members']);
    });

    it('put:full carries the resource after the change', () => {
      const e = entry({ operation: 'replace', changedAttributes: ['displayName'] });
      expect(buildSets(e, context)[0].events[SCIM_EVENTS.putFull]).toEqual({
        data: e.snapshot,
        version: 'W/"3"',
      });
    });

    it('delete, activate and deactivate carry no data, only the version', () => {
      const del = entry({ operation: 'delete', snapshot: undefined, changedAttributes: [] });
      expect(buildSets(del, context)[0].events).toEqual({ [SCIM_EVENTS.delete]: { version: 'W/"3"' } });
      const [, deactivate] = buildSets(
        entry({ operation: 'deactivate', changedAttributes: ['active'] }),
        context,
      );
      expect(deactivate.events).toEqual({ [SCIM_EVENTS.deactivate]: { version: 'W/"3"' } });
      const noVersion = buildSets({ ...del, version: undefined }, context)[0];
      expect(noVersion.events[SCIM_EVENTS.delete]).toEqual({});
    });
  });

  describe('patch:full: the normalised PatchOp', () => {
    it('replaces changed attributes with their new values and removes those that are gone', () => {
      const e = entry({
        changedAttributes: ['displayName', 'nickName', 'emails'],
        snapshot: { id: 'u1', displayName: 'Jane', emails: [{ value: 'j@example.com', primary: true }] },
      });
      expect(normalisedPatchOp(e)).toEqual({
        schemas: [PATCH_OP_SCHEMA],
        Operations: [
          { op: 'replace', path: 'displayName', value: 'Jane' },
          { op: 'remove', path: 'nickName' },
          { op: 'replace', path: 'emails', value: [{ value: 'j@example.com', primary: true }] },
        ],
      });
    });

    it('addresses an extension attribute by its full urn path, value from the extension container', () => {
      const e = entry({
        changedAttributes: [`${ENTERPRISE}:department`, `${ENTERPRISE}:costCenter`],
        snapshot: { id: 'u1', [ENTERPRISE]: { department: 'Sales' } },
      });
      expect(normalisedPatchOp(e).Operations).toEqual([
        { op: 'replace', path: `${ENTERPRISE}:department`, value: 'Sales' },
        { op: 'remove', path: `${ENTERPRISE}:costCenter` },
      ]);
    });

    it('removes an extension attribute whose container went', () => {
      const e = entry({ changedAttributes: [`${ENTERPRISE}:department`], snapshot: { id: 'u1' } });
      expect(normalisedPatchOp(e).Operations).toEqual([{ op: 'remove', path: `${ENTERPRISE}:department` }]);
    });

    it('never carries the password (returned never), though a notice names it', () => {
      const e = entry({ changedAttributes: ['password'] });
      expect(normalisedPatchOp(e).Operations).toEqual([]);
      expect(JSON.stringify(buildSets(e, context))).not.toContain('password');
    });

    it('turns the member delta into one remove and one add, however large the group', () => {
      const added = Array.from({ length: 3 }, (_, i) => ({ value: `u${i}`, type: 'User' }));
      const e = entry({
        operation: 'membership',
        resourceType: 'Group',
        changedAttributes: ['members'],
        snapshot: { id: 'g1', displayName: 'Everyone' },
        members: { added, removed: [{ value: 'g9', type: 'Group' }] },
      });
      expect(normalisedPatchOp(e).Operations).toEqual([
        { op: 'remove', path: 'members', value: [{ value: 'g9', type: 'Group' }] },
        { op: 'add', path: 'members', value: added },
      ]);
      expect(buildSets(e, context)[0].events[SCIM_EVENTS.patchFull]).toEqual({
        data: normalisedPatchOp(e),
        version: 'W/"3"',
      });
    });

    it('a deactivating PATCH: patch:full replaces active, then prov:deactivate', () => {
      const e = entry({
        operation: 'deactivate',
        changedAttributes: ['active'],
        snapshot: { ...entry().snapshot, active: false },
      });
      const [patch, deactivate] = buildSets(e, context);
      expect(patch.events[SCIM_EVENTS.patchFull].data).toEqual({
        schemas: [PATCH_OP_SCHEMA],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      });
      expect(Object.keys(deactivate.events)).toEqual([SCIM_EVENTS.deactivate]);
    });
  });
});
