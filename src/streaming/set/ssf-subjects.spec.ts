import { MAX_EXCLUDED_SUBJECTS, SubjectError, subjectKeys, withSubject } from './ssf-subjects';

describe(subjectKeys.name, () => {
  it('reads the scim format of RFC 9967 sub_id, relative or absolute uri', () => {
    expect(subjectKeys({ format: 'scim', uri: '/Users/u1' })).toEqual(['User/u1']);
    expect(subjectKeys({ format: 'scim', uri: 'https://scim.example.com/scim/v2/Groups/g%201' })).toEqual([
      'Group/g 1',
    ]);
  });

  it('reads an opaque id as the id of a User or a Group', () => {
    expect(subjectKeys({ format: 'opaque', id: 'x' })).toEqual(['User/x', 'Group/x']);
  });

  it('refuses other formats and malformed subjects, naming what is supported', () => {
    expect(() => subjectKeys({ format: 'email', email: 'a@example.com' })).toThrow(
      'subject.format "email" is not supported: scim, opaque',
    );
    expect(() => subjectKeys({ format: 'scim', uri: '/Devices/1' })).toThrow(SubjectError);
    expect(() => subjectKeys({ format: 'opaque' })).toThrow(SubjectError);
    expect(() => subjectKeys('User/1')).toThrow(SubjectError);
  });
});

describe(withSubject.name, () => {
  it('removes and adds back, idempotently', () => {
    const removed = withSubject([], ['User/a'], true);
    expect(withSubject(removed, ['User/a'], true)).toEqual(['User/a']);
    expect(withSubject(removed, ['User/a'], false)).toEqual([]);
    expect(withSubject([], ['User/b'], false)).toEqual([]);
  });

  it('bounds the list kept on the subscription record', () => {
    const full = Array.from({ length: MAX_EXCLUDED_SUBJECTS }, (_, i) => `User/${i}`);
    expect(() => withSubject(full, ['User/new'], true)).toThrow(`at most ${MAX_EXCLUDED_SUBJECTS}`);
    expect(withSubject(full, ['User/0'], true)).toHaveLength(MAX_EXCLUDED_SUBJECTS);
  });
});
