import { toStreamEvent } from '../stream-event';
import { defaultSubject, isPublishableSubject, subjectMatches, subjectToken } from './nats-subject';

const entry = {
  tenantId: 'con.toso *x',
  seq: 1,
  time: '2026-01-01T00:00:00.000Z',
  actor: { credentialId: 'c', label: 'l' },
  operation: 'create' as const,
  resourceType: 'User',
  resourceId: 'u1',
  changedAttributes: [],
};

describe('nats-subject', () => {
  it('replaces what a subject token cannot hold', () => {
    expect([subjectToken('a.b*c>d e'), subjectToken('')]).toEqual(['a_b_c_d_e', '_']);
  });

  it('builds scim.<tenant>.<resourceType>.<type> from sanitised tokens', () => {
    expect(defaultSubject(toStreamEvent(entry))).toBe('scim.con_toso__x.User.user.created');
  });

  it('starts with NATS_SUBJECT_PREFIX when one is given', () => {
    expect(defaultSubject(toStreamEvent(entry), 'acme.prod')).toBe('acme.prod.con_toso__x.User.user.created');
  });

  it('refuses wildcards, empty tokens and whitespace in a publish subject', () => {
    expect(['a.b', 'a.*', 'a.>', 'a..b', 'a b'].map(isPublishableSubject)).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it('matches subjects under filters with * and >', () => {
    expect([
      subjectMatches('scim.>', 'scim.t.User.user.created'),
      subjectMatches('scim.>', 'scim'),
      subjectMatches('scim.*.User', 'scim.t.User'),
      subjectMatches('scim.*.User', 'scim.t.Group'),
      subjectMatches('scim.*', 'scim.t.User'),
      subjectMatches('other.>', 'scim.t'),
    ]).toEqual([true, false, true, false, false, false]);
  });
});
