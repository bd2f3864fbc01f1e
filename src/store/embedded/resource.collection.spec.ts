import { lookupShadows, ResourceDocument } from '../../scim/document/resource-document';
import { ResourceCollection } from './resource.collection';

function user(id: string, userName: string, extra: Record<string, unknown> = {}): ResourceDocument {
  const attributes = { userName, ...extra };
  return {
    _tenant: 't',
    _type: 'User',
    _rev: 1,
    _ci: lookupShadows(attributes),
    id,
    schemas: [],
    meta: { resourceType: 'User', created: '', lastModified: '', version: '' },
    ...attributes,
  };
}

describe(ResourceCollection.name, () => {
  let sut: ResourceCollection;

  beforeEach(() => {
    sut = new ResourceCollection();
  });

  it('keeps ids in ascending order whatever the insertion order', () => {
    for (const id of ['m', 'c', 'x', 'a']) sut.add(user(id, id));
    expect(sut.ids()).toEqual(['a', 'c', 'm', 'x']);
  });

  it('sorts ids loaded at boot once they are read', () => {
    for (const id of ['m', 'c', 'x']) sut.load(user(id, id));
    sut.add(user('b', 'b'));
    expect(sut.ids()).toEqual(['b', 'c', 'm', 'x']);
  });

  it('removes an id from the order and the indexes', () => {
    for (const id of ['a', 'b', 'c']) sut.add(user(id, `user-${id}`));
    sut.remove('b');
    expect([sut.ids(), sut.lookup('_ci.userName', 'user-b').size, sut.size]).toEqual([['a', 'c'], 0, 2]);
  });

  it('finds a document by each of its emails', () => {
    sut.add(user('1', 'a', { emails: [{ value: 'A@x' }, { value: 'b@x' }] }));
    expect([...sut.lookup('_ci.emails', 'a@x'), ...sut.lookup('_ci.emails', 'b@x')]).toEqual(['1', '1']);
  });

  it('moves index entries when a document is replaced', () => {
    sut.add(user('1', 'old'));
    sut.replace(user('1', 'new'));
    expect([sut.lookup('_ci.userName', 'old').size, [...sut.lookup('_ci.userName', 'new')]]).toEqual([
      0,
      ['1'],
    ]);
  });

  it('reports another document holding a value, but not the document itself', () => {
    sut.add(user('1', 'alice'));
    expect([
      sut.findOther('_ci.userName', 'alice', '1'),
      sut.findOther('_ci.userName', 'alice', '2')?.id,
    ]).toEqual([undefined, '1']);
  });

  it('answers an id lookup from the documents themselves', () => {
    sut.add(user('1', 'a'));
    expect([[...sut.lookup('id', '1')], sut.lookup('id', '2').size]).toEqual([['1'], 0]);
  });

  it('takes candidates from the cheapest plan', () => {
    for (let i = 0; i < 10; i++) sut.add(user(`u${i}`, `n${i}`, { externalId: 'shared' }));
    const candidates = sut.candidates([
      [{ field: 'externalId', values: ['shared'] }],
      [{ field: '_ci.userName', values: ['n3'] }],
    ]);
    expect(candidates.map((d) => d.id)).toEqual(['u3']);
  });

  it('unions the lookups of one plan', () => {
    for (let i = 0; i < 3; i++) sut.add(user(`u${i}`, `n${i}`));
    const candidates = sut.candidates([[{ field: '_ci.userName', values: ['n0', 'n2', 'none'] }]]);
    expect(candidates.map((d) => d.id).sort()).toEqual(['u0', 'u2']);
  });

  it('builds an index at the first lookup from the documents held, and keeps it up to date afterwards', () => {
    sut.load(user('1', 'a', { externalId: 'e1' }));
    sut.add(user('2', 'b', { externalId: 'e2' }));
    sut.replace(user('1', 'a', { externalId: 'e3' }));
    expect([[...sut.lookup('externalId', 'e1')], [...sut.lookup('externalId', 'e3')]]).toEqual([[], ['1']]);

    sut.load(user('3', 'c', { externalId: 'e2' }));
    sut.replace(user('1', 'a', { externalId: 'e1' }));
    sut.remove('2');
    expect([
      [...sut.lookup('externalId', 'e1')],
      [...sut.lookup('externalId', 'e2')],
      [...sut.lookup('externalId', 'e3')],
      [...sut.lookup('_ci.userName', 'c')],
    ]).toEqual([['1'], ['3'], [], ['3']]);
  });

  it('finds nothing under a field it does not index', () => {
    sut.add(user('1', 'a', { title: 'x' }));
    expect(sut.lookup('title', 'x').size).toBe(0);
  });
});
