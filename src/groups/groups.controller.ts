import { createResourceController } from '../resources/resource-controller.factory';
import { GROUP_SCHEMA } from '../scim/schema/schema-urns';

export const GroupsController = createResourceController({
  resourceType: 'Group',
  endpoint: 'Groups',
  patchAnswersNoContent: true,
  example: {
    schemas: [GROUP_SCHEMA],
    displayName: 'Tour Guides',
    externalId: 'tour-guides',
    members: [{ value: '2819c223-7f76-453a-919d-413861904646' }],
  },
});
