import { createRegistry } from '../schema/core-schemas';
import { parseExtensionConfig } from '../schema/extension-config';
import { extensionStorageKey } from '../schema/schema.registry';
import { DocumentModel } from './document-model';

const EXT = 'urn:ietf:params:scim:schemas:extension:acme.hr:2.0:User';
const EXT_KEY = extensionStorageKey(EXT);

function modelWith(attributes: unknown[], resourceType = 'User'): DocumentModel {
  return new DocumentModel(
    createRegistry(
      parseExtensionConfig({ extensions: [{ schema: EXT, name: 'AcmeHr', resourceType, attributes }] }),
    ),
  );
}

describe('DocumentModel', () => {
  describe('unique attributes derived from the registry', () => {
    it('has userName for User and displayName for Group with the RFC 7643 schemas alone (not id)', () => {
      const model = new DocumentModel(createRegistry());
      expect(model.uniqueAttributes('User').map((a) => a.path)).toEqual(['userName']);
      expect(model.uniqueAttributes('Group').map((a) => a.path)).toEqual(['displayName']);
      expect(model.uniqueAttributes('Device')).toEqual([]);
    });

    it('adds every singular extension attribute declared uniqueness server or global', () => {
      const model = modelWith([
        { name: 'badge', uniqueness: 'server' },
        { name: 'serial', type: 'integer', uniqueness: 'global', caseExact: true },
        { name: 'floor' },
        { name: 'aliases', multiValued: true, uniqueness: 'server' },
        { name: 'address', type: 'complex', uniqueness: 'server', subAttributes: [{ name: 'street' }] },
      ]);
      expect(model.uniqueAttributes('User')).toEqual([
        expect.objectContaining({ path: 'userName', shadow: 'userName', caseExact: false }),
        {
          resourceType: 'User',
          shadow: `${EXT_KEY}:badge`,
          path: `${EXT}:badge`,
          storagePath: [EXT_KEY, 'badge'],
          caseExact: false,
        },
        expect.objectContaining({ path: `${EXT}:serial`, caseExact: true }),
      ]);
      expect(model.allUniqueAttributes()).toHaveLength(4);
      expect(model.uniqueAttributeByShadow('User', `${EXT_KEY}:badge`)?.path).toBe(`${EXT}:badge`);
      expect(model.uniqueAttributeByShadow('Group', `${EXT_KEY}:badge`)).toBeUndefined();
    });

    it('attaches a Group extension to Group only', () => {
      const model = modelWith([{ name: 'code', uniqueness: 'server' }], 'Group');
      expect(model.uniqueAttributes('Group').map((a) => a.path)).toEqual(['displayName', `${EXT}:code`]);
      expect(model.uniqueAttributes('User').map((a) => a.path)).toEqual(['userName']);
    });
  });

  describe('shadows', () => {
    const model = modelWith([
      { name: 'badge', uniqueness: 'server' },
      { name: 'key', uniqueness: 'server', caseExact: true },
      { name: 'serial', type: 'integer', uniqueness: 'server' },
    ]);

    it('lower-cases a caseExact=false value, keeps a caseExact one, and writes a number as its JSON text', () => {
      const shadows = model.shadows('User', {
        userName: 'Alice@Example.com',
        emails: [{ value: 'A@X.example' }],
        [EXT_KEY]: { badge: 'B-1', key: 'K-1', serial: 42 },
      });
      expect(shadows).toEqual({
        userName: 'alice@example.com',
        emails: ['a@x.example'],
        [`${EXT_KEY}:badge`]: 'b-1',
        [`${EXT_KEY}:key`]: 'K-1',
        [`${EXT_KEY}:serial`]: '42',
      });
    });

    it('has no shadow for an absent or null value, or an extension that is not an object', () => {
      expect(model.shadows('User', { userName: 'a', [EXT_KEY]: { badge: null } })).toEqual({ userName: 'a' });
      expect(model.shadows('User', { userName: 'a', [EXT_KEY]: ['B-1'] })).toEqual({ userName: 'a' });
      expect(model.shadows('User', { userName: 'a' })).toEqual({ userName: 'a' });
    });

    it('gives the value as the client wrote it for a 409 detail', () => {
      const [, badge] = model.uniqueAttributes('User');
      expect(model.uniqueValue(badge, { [EXT_KEY]: { badge: 'B-1' } })).toBe('B-1');
    });
  });

  describe('revisions', () => {
    const model = modelWith([{ name: 'badge', uniqueness: 'server' }]);

    it('builds revision 1 with meta.created = meta.lastModified and every shadow of the type', () => {
      const doc = model.newDocument(
        't1',
        'User',
        'abcdef123',
        { userName: 'A', [EXT_KEY]: { badge: 'X' } },
        [],
        'T0',
      );
      expect(doc).toMatchObject({
        _tenant: 't1',
        _type: 'User',
        _rev: 1,
        _ci: { userName: 'a', [`${EXT_KEY}:badge`]: 'x' },
        id: 'abcdef123',
        meta: { resourceType: 'User', created: 'T0', lastModified: 'T0', version: 'W/"1-abcdef12"' },
      });
    });

    it('builds the next revision: _rev + 1, created kept, lastModified now, shadows recomputed', () => {
      const first = model.newDocument('t1', 'User', 'abcdef123', { userName: 'A' }, [], 'T0');
      const next = model.nextRevision(first, { userName: 'B', [EXT_KEY]: { badge: 'Y' } }, ['s'], 'T1');
      expect(next).toMatchObject({
        _rev: 2,
        _ci: { userName: 'b', [`${EXT_KEY}:badge`]: 'y' },
        schemas: ['s'],
        meta: { created: 'T0', lastModified: 'T1', version: 'W/"2-abcdef12"' },
      });
      expect(first._rev).toBe(1);
    });
  });
});
