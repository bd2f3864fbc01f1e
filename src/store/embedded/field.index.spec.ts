import { FieldIndex, indexKeys } from './field.index';

const user = (userName: string, emails: string[] = []) => ({ _ci: { userName, emails } });

describe(indexKeys.name, () => {
  it('descends into arrays of objects', () => {
    expect(indexKeys({ emails: [{ value: 'a' }, { value: 'b' }, 'c'] }, 'emails.value')).toEqual(['a', 'b']);
  });

  it('ignores values that are not strings', () => {
    expect(indexKeys({ externalId: 5 }, 'externalId')).toEqual([]);
  });

  it('returns every string of a multi-valued path once, in order', () => {
    expect(indexKeys({ _ci: { emails: ['b', 'a', 'b'] } }, '_ci.emails')).toEqual(['b', 'a']);
  });

  it('skips arrays nested in arrays and values that are not strings', () => {
    expect(indexKeys({ a: [[{ b: 'x' }], { b: 'y' }, { b: 3 }] }, 'a.b')).toEqual(['y']);
  });
});

describe(FieldIndex.name, () => {
  const ids = (index: FieldIndex, value: string) => [...index.idsOf(value)];

  it('holds a value shared by several documents, and one document again when the others go', () => {
    const sut = new FieldIndex('_ci.userName');
    sut.add('1', user('alice'));
    sut.add('2', user('alice'));
    sut.add('3', user('alice'));
    expect(ids(sut, 'alice')).toEqual(['1', '2', '3']);
    sut.remove('2', user('alice'));
    sut.remove('1', user('alice'));
    expect(ids(sut, 'alice')).toEqual(['3']);
    sut.add('4', user('alice'));
    expect(ids(sut, 'alice')).toEqual(['3', '4']);
  });

  it('forgets a value once its last document goes, and ignores a document it does not hold', () => {
    const sut = new FieldIndex('_ci.emails');
    sut.add('1', user('a', ['x@y', 'z@y']));
    sut.remove('2', user('a', ['x@y']));
    expect(ids(sut, 'x@y')).toEqual(['1']);
    sut.remove('1', user('a', ['x@y', 'z@y']));
    expect([ids(sut, 'x@y'), ids(sut, 'z@y')]).toEqual([[], []]);
  });

  it('indexes a document once under a value it holds twice', () => {
    const sut = new FieldIndex('_ci.emails');
    sut.add('1', user('a', ['x@y', 'x@y']));
    sut.add('1', user('a', ['x@y']));
    expect(ids(sut, 'x@y')).toEqual(['1']);
  });
});
