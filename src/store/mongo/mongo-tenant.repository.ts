import { Collection } from 'mongoose';
import { ScimError } from '../../scim/errors';
import { TenantRecord, TenantRepository } from '../ports';
import { fromStored, isDuplicateKeyError, toStored } from './mongo.mapping';

const NO_ID = { projection: { _id: 0 } };

/** Tenants in MongoDB: one document per tenant, unique on `id`. */
export class MongoTenantRepository extends TenantRepository {
  constructor(private readonly tenants: Collection) {
    super();
  }

  async findTenant(tenantId: string): Promise<TenantRecord | null> {
    const doc = await this.tenants.findOne({ id: tenantId }, NO_ID);
    return doc ? fromStored<TenantRecord>(doc) : null;
  }

  async upsertTenant(tenant: TenantRecord): Promise<void> {
    await this.tenants.replaceOne({ id: tenant.id }, toStored(tenant), { upsert: true });
  }

  async insertTenant(tenant: TenantRecord): Promise<void> {
    try {
      await this.tenants.insertOne(toStored(tenant));
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw ScimError.conflict(`A tenant with id "${tenant.id}" already exists`);
      }
      throw error;
    }
  }

  async listTenants(): Promise<TenantRecord[]> {
    const docs = await this.tenants.find({}, NO_ID).sort({ id: 1 }).toArray();
    return docs.map((doc) => fromStored<TenantRecord>(doc));
  }
}
