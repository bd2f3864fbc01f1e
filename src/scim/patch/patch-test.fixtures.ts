/** Shared test data for the PATCH engine specs (not a spec itself). */
import { ScimError, ScimType } from '../errors';
import { PATCH_OP_SCHEMA, ENTERPRISE_USER_SCHEMA, USER_SCHEMA, GROUP_SCHEMA } from '../schema/schema-urns';
import { extensionStorageKey } from '../schema/schema.registry';
import { StorageAttributes } from './patch.types';

export const ENTERPRISE_KEY = extensionStorageKey(ENTERPRISE_USER_SCHEMA);

export function patchBody(...operations: unknown[]): { schemas: string[]; Operations: unknown[] } {
  return { schemas: [PATCH_OP_SCHEMA], Operations: operations };
}

/** A user in storage shape, as the RFC 7643 §8.2 examples describe Babs Jensen. */
export function babs(): StorageAttributes {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    id: '2819c223-7f76-453a-919d-413861904646',
    externalId: 'bjensen',
    meta: {
      resourceType: 'User',
      created: '2010-01-23T04:56:22.000Z',
      lastModified: '2011-05-13T04:42:34.000Z',
      version: 'W/"3-2819c223"',
    },
    userName: 'bjensen@example.com',
    name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
    displayName: 'Babs Jensen',
    active: true,
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ],
    phoneNumbers: [{ value: '555-555-5555', type: 'work' }],
    addresses: [
      {
        type: 'work',
        streetAddress: '100 Universal City Plaza',
        locality: 'Hollywood',
        region: 'CA',
        postalCode: '91608',
        country: 'USA',
        primary: true,
      },
      {
        type: 'home',
        streetAddress: '456 Hollywood Blvd',
        locality: 'Hollywood',
        region: 'CA',
        country: 'USA',
      },
    ],
    [ENTERPRISE_KEY]: {
      employeeNumber: '701984',
      department: 'Tour Operations',
      manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' },
    },
  };
}

/** A user with only what Entra's POST typically creates (docs/entra.md §4.1). */
export function entraUser(): StorageAttributes {
  return {
    schemas: [USER_SCHEMA],
    id: '48af03ac28ad4fb88478',
    externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
    meta: {
      resourceType: 'User',
      created: '2024-01-01T00:00:00.000Z',
      lastModified: '2024-01-01T00:00:00.000Z',
      version: 'W/"1-48af03ac"',
    },
    userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
    active: true,
    displayName: 'Test User',
    name: { givenName: 'Test', familyName: 'User' },
    emails: [{ value: 'Test_User_11bb11bb@testuser.com', type: 'work', primary: true }],
  };
}

export function group(): StorageAttributes {
  return {
    schemas: [GROUP_SCHEMA],
    id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
    externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
    meta: {
      resourceType: 'Group',
      created: '2024-01-01T00:00:00.000Z',
      lastModified: '2024-01-01T00:00:00.000Z',
      version: 'W/"1-e9e30dba"',
    },
    displayName: 'Tour Guides',
  };
}

/** Runs `fn`, expecting a ScimError with this status and scimType; returns it for further checks. */
export function expectScimError(
  fn: () => unknown,
  status: number,
  scimType: ScimType | undefined,
): ScimError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(ScimError);
  const error = thrown as ScimError;
  expect({ status: error.status, scimType: error.scimType }).toEqual({ status, scimType });
  return error;
}

/** Freezes a value deeply, so that any write to the engine's input throws in strict mode. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const item of Object.values(value as Record<string, unknown>)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
