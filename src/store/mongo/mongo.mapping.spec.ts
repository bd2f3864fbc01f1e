import { ScimError } from '../../scim/errors';
import { DocumentModel } from '../../scim/document/document-model';
import { ResourceDocument } from '../../scim/document/resource-document';
import { createRegistry } from '../../scim/schema/core-schemas';
import { parseExtensionConfig } from '../../scim/schema/extension-config';
import {
  fromStored,
  isDuplicateKeyError,
  MEMBER_LOCK_FIELD,
  resourceDuplicateKeyError,
  toStored,
} from './mongo.mapping';

const doc = {
  _tenant: 't',
  _type: 'User',
  _rev: 1,
  _ci: { userName: 'alice' },
  id: 'u1',
  schemas: [],
  meta: { resourceType: 'User', created: '', lastModified: '', version: '' },
  userName: 'Alice',
} as ResourceDocument;

describe(fromStored.name, () => {
  it('removes _id and __v and keeps everything else', () => {
    expect(fromStored({ _id: 'oid', __v: 0, id: 'u1', _rev: 2 })).toEqual({ id: 'u1', _rev: 2 });
  });

  it('removes the member lock counter, which is no part of the resource', () => {
    expect(fromStored({ id: 'u1', [MEMBER_LOCK_FIELD]: 3 })).toEqual({ id: 'u1' });
  });
});

describe(toStored.name, () => {
  it('drops undefined members and detaches nested objects', () => {
    const input = { a: undefined, b: { c: 1 } };
    const sut = toStored(input);
    expect([Object.keys(sut), sut.b === input.b]).toEqual([['b'], false]);
  });
});

describe(isDuplicateKeyError.name, () => {
  it('recognises code 11000', () => {
    expect(isDuplicateKeyError({ code: 11000 })).toBe(true);
  });

  it('recognises a bulk write error with a duplicate key among its write errors', () => {
    expect(isDuplicateKeyError({ code: 65, writeErrors: [{ code: 11000 }] })).toBe(true);
  });

  it('rejects other errors', () => {
    expect([
      isDuplicateKeyError({ code: 112 }),
      isDuplicateKeyError(new Error('x')),
      isDuplicateKeyError(null),
    ]).toEqual([false, false, false]);
  });
});

const BADGE_URN = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
const model = new DocumentModel(
  createRegistry(
    parseExtensionConfig({
      extensions: [
        {
          id: BADGE_URN,
          name: 'Acme',
          resourceType: 'User',
          attributes: [{ name: 'employeeBadge', type: 'string', uniqueness: 'server' }],
        },
      ],
    }),
  ),
);

describe(resourceDuplicateKeyError.name, () => {
  it('names the unique attribute and the value as the client wrote it', () => {
    const sut = resourceDuplicateKeyError(
      { keyPattern: { _tenant: 1, _type: 1, '_ci.userName': 1 } },
      doc,
      model,
    );
    expect(sut).toBeInstanceOf(ScimError);
    expect([sut.status, sut.scimType, sut.detail.includes('userName "Alice"')]).toEqual([
      409,
      'uniqueness',
      true,
    ]);
  });

  it('reports a duplicate id when the id index refused the write', () => {
    const sut = resourceDuplicateKeyError({ keyPattern: { _tenant: 1, _type: 1, id: 1 } }, doc, model);
    expect(sut.detail).toContain('id "u1"');
  });

  it('names an extension attribute by its full path, from the shadow of the index', () => {
    const shadow = 'urn:example:params:scim:schemas:extension:acme:2_0:User:employeeBadge';
    const badged = {
      ...doc,
      _ci: { ...doc._ci, [shadow]: 'b-7' },
      'urn:example:params:scim:schemas:extension:acme:2_0:User': { employeeBadge: 'B-7' },
    } as ResourceDocument;
    const sut = resourceDuplicateKeyError(
      { keyPattern: { _tenant: 1, _type: 1, [`_ci.${shadow}`]: 1 } },
      badged,
      model,
    );
    expect([sut.status, sut.scimType, sut.detail]).toEqual([
      409,
      'uniqueness',
      `${BADGE_URN}:employeeBadge "B-7" is already used by another User in this tenant`,
    ]);
  });
});
