import { ScimError } from '../../scim/errors';
import { TenantRecord, TenantRepository } from '../ports';
import { compareIds } from '../store-query.util';
import { EmbeddedStore, toJsonValue } from './embedded.store';

/** Tenants in the embedded store: SQLite rows, served from the in-memory map loaded at open. */
export class EmbeddedTenantRepository extends TenantRepository {
  constructor(private readonly store: EmbeddedStore) {
    super();
  }

  async findTenant(tenantId: string): Promise<TenantRecord | null> {
    const tenant = this.store.tenants.get(tenantId);
    return tenant ? structuredClone(tenant) : null;
  }

  async upsertTenant(tenant: TenantRecord): Promise<void> {
    const { json, value } = toJsonValue(tenant);
    this.store.statements.upsertTenant.run(tenant.id, json);
    this.store.tenants.set(tenant.id, value);
    await this.store.durable();
  }

  async insertTenant(tenant: TenantRecord): Promise<void> {
    if (this.store.tenants.has(tenant.id)) {
      throw ScimError.conflict(`A tenant with id "${tenant.id}" already exists`);
    }
    const { json, value } = toJsonValue(tenant);
    this.store.statements.insertTenant.run(tenant.id, json);
    this.store.tenants.set(tenant.id, value);
    await this.store.durable();
  }

  async listTenants(): Promise<TenantRecord[]> {
    return [...this.store.tenants.values()]
      .sort((a, b) => compareIds(a.id, b.id))
      .map((t) => structuredClone(t));
  }
}
