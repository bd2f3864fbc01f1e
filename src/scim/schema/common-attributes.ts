import { AttributeDefinition } from './attribute-definition';

const base = {
  multiValued: false,
  description: '',
  required: false,
  caseExact: false,
  mutability: 'readOnly',
  returned: 'default',
  uniqueness: 'none',
} as const;

/** RFC 7643 §3.1: attributes of every resource, outside any schema. */
export const COMMON_ATTRIBUTES: AttributeDefinition[] = [
  {
    ...base,
    name: 'id',
    type: 'string',
    caseExact: true,
    returned: 'always',
    uniqueness: 'server',
    description: 'Unique identifier for the resource, assigned by the service provider.',
  },
  {
    ...base,
    name: 'externalId',
    type: 'string',
    caseExact: true,
    mutability: 'readWrite',
    description: 'Identifier of the resource as defined by the provisioning client.',
  },
  {
    ...base,
    name: 'meta',
    type: 'complex',
    description: 'Resource metadata.',
    subAttributes: [
      {
        ...base,
        name: 'resourceType',
        type: 'string',
        caseExact: true,
        description: 'The resource type name.',
      },
      { ...base, name: 'created', type: 'dateTime', description: 'When the resource was added.' },
      { ...base, name: 'lastModified', type: 'dateTime', description: 'When the resource was last changed.' },
      {
        ...base,
        name: 'location',
        type: 'reference',
        caseExact: true,
        referenceTypes: ['uri'],
        description: 'The URI of the resource.',
      },
      {
        ...base,
        name: 'version',
        type: 'string',
        caseExact: true,
        description: 'The weak entity tag of the resource.',
      },
    ],
  },
];
