import { Membership, ResourceRepository } from '../../src/store/ports';
import { ResourceDocument } from '../../src/scim/document/resource-document';

/**
 * The writes the contract checks, each as the one WriteUnit it is: ResourceRepository.commit() is the only write
 * of the ports (no change may bypass the journal), so the suite writes through it alone. No journal entries:
 * journal.contract.ts checks those. `applied` is false when the compare-and-swap failed or the document is gone.
 */
export interface ContractWrites {
  insert(tenantId: string, doc: ResourceDocument): Promise<void>;
  replace(tenantId: string, doc: ResourceDocument, expectedRev: number): Promise<boolean>;
  delete(tenantId: string, resourceType: string, id: string): Promise<boolean>;
  addMembers(tenantId: string, groupId: string, members: Omit<Membership, 'groupId'>[]): Promise<void>;
  removeMembers(tenantId: string, groupId: string, memberIds: string[]): Promise<void>;
  removeAllMembers(tenantId: string, groupId: string): Promise<void>;
}

/** `resources` is asked at each write, so that the writes follow a store reopened by the test. */
export function writesThroughCommit(resources: () => ResourceRepository): ContractWrites {
  const applied = async (tenantId: string, unit: Parameters<ResourceRepository['commit']>[1]) =>
    (await resources().commit(tenantId, unit)).applied;
  return {
    insert: async (tenantId, doc) => {
      await applied(tenantId, { insert: doc, journal: [] });
    },
    replace: (tenantId, doc, expectedRev) =>
      applied(tenantId, { replace: { doc, expectedRev }, journal: [] }),
    delete: (tenantId, resourceType, id) => applied(tenantId, { delete: { resourceType, id }, journal: [] }),
    addMembers: async (tenantId, groupId, add) => {
      await applied(tenantId, { memberships: { groupId, add }, journal: [] });
    },
    removeMembers: async (tenantId, groupId, remove) => {
      await applied(tenantId, { memberships: { groupId, remove }, journal: [] });
    },
    removeAllMembers: async (tenantId, groupId) => {
      await applied(tenantId, { memberships: { groupId, removeAll: true }, journal: [] });
    },
  };
}
