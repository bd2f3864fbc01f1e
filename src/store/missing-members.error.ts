import { ScimError } from '../scim/errors';

/**
 * Members that are no User or Group of the tenant (RFC 7643 §4.2 members.value references a resource): 400
 * invalidValue naming the first few ids. Shared by the service's early check and the adapters' check inside
 * the commit, so a member deleted meanwhile is refused in the same words.
 */
export function missingMembersError(missing: readonly string[]): ScimError {
  const shown = missing
    .slice(0, 5)
    .map((id) => `"${id}"`)
    .join(', ');
  const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
  return ScimError.invalidValue(`members: no User or Group with id ${shown}${more}`);
}
