import { ScimError } from '../errors';
import { assertValueCounts } from './value-count';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function detailOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError && error.scimType === 'invalidValue') return error.detail;
    throw error;
  }
  return undefined;
}

describe(assertValueCounts.name, () => {
  it('accepts exactly max values', () => {
    expect(detailOf(() => assertValueCounts('User', { emails: [1, 2, 3] }, 3))).toBeUndefined();
  });

  it('names an extension attribute by its URN path', () => {
    expect(detailOf(() => assertValueCounts('User', { [ENTERPRISE]: { tags: [1, 2, 3, 4] } }, 3))).toBe(
      `Attribute '${ENTERPRISE}:tags' has 4 values; at most 3 are accepted (MAX_VALUES_PER_ATTRIBUTE)`,
    );
  });

  it('counts a multi-valued sub-attribute of a complex value', () => {
    expect(detailOf(() => assertValueCounts('User', { roles: [{ scopes: [1, 2, 3, 4] }] }, 3))).toContain(
      "'roles.scopes' has 4 values",
    );
  });

  it("leaves a Group's members alone", () => {
    expect(detailOf(() => assertValueCounts('Group', { members: [1, 2, 3, 4] }, 3))).toBeUndefined();
    expect(detailOf(() => assertValueCounts('User', { members: [1, 2, 3, 4] }, 3))).toBeDefined();
  });
});
