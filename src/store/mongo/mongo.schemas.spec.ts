import { nativeSortStage } from './mongo-query.builder';
import { DocumentModel } from '../../scim/document/document-model';
import { createDefaultRegistry, createRegistry } from '../../scim/schema/core-schemas';
import { parseExtensionConfig } from '../../scim/schema/extension-config';
import {
  IndexDefinition,
  membershipSchema,
  oauthClientSchema,
  resourceSchema,
  tokenSchema,
  uniqueResourceIndexes,
} from './mongo.schemas';

type Index = [Record<string, unknown>, Record<string, unknown>];
const find = (indexes: Index[], name: string) => indexes.find(([, options]) => options.name === name);

describe(resourceSchema.name, () => {
  const sut = resourceSchema();
  const indexes = sut.indexes() as Index[];

  it('stores undeclared fields and empty objects as given, without __v', () => {
    expect([sut.get('strict'), sut.get('strictQuery'), sut.get('minimize'), sut.get('versionKey')]).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('makes id unique per tenant and type', () => {
    expect(find(indexes, 'tenant_type_id')).toEqual([
      { _tenant: 1, _type: 1, id: 1 },
      expect.objectContaining({ unique: true }),
    ]);
  });

  it('indexes externalId and the email shadows', () => {
    expect([find(indexes, 'tenant_type_externalId')?.[0], find(indexes, 'tenant_type_emails')?.[0]]).toEqual([
      { _tenant: 1, _type: 1, externalId: 1 },
      { _tenant: 1, _type: 1, '_ci.emails': 1 },
    ]);
  });

  it('has an index walking each natively sorted order after the tenant and type (both directions of unique ones)', () => {
    const served = (sort: Record<string, number>) => {
      const wanted = JSON.stringify(Object.entries({ _tenant: 1, _type: 1, ...sort }));
      const reversed = JSON.stringify(
        Object.entries({ _tenant: -1, _type: -1, ...sort }).map(([k, d]) => [k, -d]),
      );
      return indexes.some(([fields]) => [wanted, reversed].includes(JSON.stringify(Object.entries(fields))));
    };
    const sorts = [
      nativeSortStage('User', { field: '_ci.userName', direction: 1 })!,
      nativeSortStage('User', { field: '_ci.userName', direction: -1 })!,
      nativeSortStage('Group', { field: '_ci.displayName', direction: 1 })!,
      nativeSortStage('Group', { field: '_ci.displayName', direction: -1 })!,
      nativeSortStage('User', { field: 'id', direction: -1 })!,
      nativeSortStage('User', { field: 'meta.created', direction: 1 })!,
      nativeSortStage('User', { field: 'meta.lastModified', direction: 1 })!,
    ];
    expect(sorts.filter((sort) => !served(sort))).toEqual([]);
  });
});

describe(uniqueResourceIndexes.name, () => {
  const named = (indexes: IndexDefinition[], name: string) => indexes.find((i) => i.options.name === name);

  it('makes userName unique per tenant among Users that have one, under the name earlier releases created', () => {
    const sut = uniqueResourceIndexes(new DocumentModel(createDefaultRegistry()));
    expect(named(sut, 'tenant_user_userName_unique')).toEqual({
      fields: { _tenant: 1, _type: 1, '_ci.userName': 1 },
      options: {
        name: 'tenant_user_userName_unique',
        unique: true,
        partialFilterExpression: { _type: 'User', '_ci.userName': { $exists: true } },
      },
    });
  });

  it('makes displayName unique per tenant among Groups only', () => {
    const sut = uniqueResourceIndexes(new DocumentModel(createDefaultRegistry()));
    expect(sut.map((i) => i.options.name).sort()).toEqual([
      'tenant_group_displayName_unique',
      'tenant_user_userName_unique',
    ]);
    expect(named(sut, 'tenant_group_displayName_unique')?.options.partialFilterExpression).toEqual({
      _type: 'Group',
      '_ci.displayName': { $exists: true },
    });
  });

  it('declares one partial unique index per unique extension attribute, on its shadow', () => {
    const registry = createRegistry(
      parseExtensionConfig({
        extensions: [
          {
            id: 'urn:example:params:scim:schemas:extension:acme:2.0:User',
            resourceType: 'User',
            attributes: [{ name: 'employeeBadge', type: 'string', uniqueness: 'server' }],
          },
        ],
      }),
    );
    const field = '_ci.urn:example:params:scim:schemas:extension:acme:2_0:User:employeeBadge';
    const sut = uniqueResourceIndexes(new DocumentModel(registry));
    expect(sut.find((i) => field in i.fields)).toEqual({
      fields: { _tenant: 1, _type: 1, [field]: 1 },
      options: {
        name: 'tenant_user_urn_example_params_scim_schemas_extension_acme_2_0_User_employeeBadge_unique',
        unique: true,
        partialFilterExpression: { _type: 'User', [field]: { $exists: true } },
      },
    });
  });
});

describe(membershipSchema.name, () => {
  it('makes a membership unique and indexes members for the reverse lookup', () => {
    const indexes = membershipSchema().indexes() as Index[];
    expect(indexes.map(([fields, options]) => [fields, Boolean(options.unique)])).toEqual([
      [{ _tenant: 1, groupId: 1, memberId: 1 }, true],
      [{ _tenant: 1, memberId: 1 }, false],
    ]);
  });
});

describe(tokenSchema.name, () => {
  it('makes token hashes unique', () => {
    const indexes = tokenSchema().indexes() as Index[];
    expect(find(indexes, 'hash_unique')).toEqual([{ hash: 1 }, expect.objectContaining({ unique: true })]);
  });
});

describe(oauthClientSchema.name, () => {
  it('makes client ids unique across tenants, as the token endpoint looks them up without a tenant', () => {
    const indexes = oauthClientSchema().indexes() as Index[];
    expect(find(indexes, 'clientId_unique')).toEqual([
      { clientId: 1 },
      expect.objectContaining({ unique: true }),
    ]);
  });
});
