/**
 * The document model every store runs the contract suite with: the RFC 7643 schemas plus one extension of the
 * kind config/schema-extensions.json declares, with two unique attributes, so that the suite proves what issue 9
 * asks: every attribute declared `uniqueness: "server"`, core or extension, is enforced per tenant by both stores.
 */
import { DocumentModel } from '../../src/scim/document/document-model';
import { createRegistry } from '../../src/scim/schema/core-schemas';
import { parseExtensionConfig } from '../../src/scim/schema/extension-config';
import { extensionStorageKey } from '../../src/scim/schema/schema.registry';

export const BADGE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:acme.badge:2.0:User';
/** Where the extension's values sit in a stored document (dots are not field names in MongoDB). */
export const BADGE_KEY = extensionStorageKey(BADGE_SCHEMA);

export const CONTRACT_MODEL = new DocumentModel(
  createRegistry(
    parseExtensionConfig({
      extensions: [
        {
          schema: BADGE_SCHEMA,
          name: 'AcmeBadge',
          resourceType: 'User',
          attributes: [
            // caseExact false: "B-1" and "b-1" are one badge.
            { name: 'badgeCode', type: 'string', uniqueness: 'server' },
            // caseExact true: "K-1" and "k-1" are two keys.
            { name: 'deskKey', type: 'string', uniqueness: 'server', caseExact: true },
            { name: 'badgeNumber', type: 'integer', uniqueness: 'server' },
            { name: 'floor', type: 'string' },
          ],
        },
      ],
    }),
  ),
);
