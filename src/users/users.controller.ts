import { All, Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { createResourceController } from '../resources/resource-controller.factory';
import { SCIM_BASE_PATH } from '../resources/scim-context.factory';
import { ScimError } from '../scim/errors';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../scim/schema/schema-urns';

export const UsersController = createResourceController({
  resourceType: 'User',
  endpoint: 'Users',
  patchAnswersNoContent: false,
  example: {
    schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    userName: 'bjensen@example.com',
    externalId: 'bjensen',
    active: true,
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
    [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '701984', department: 'Tour Operations' },
  },
});

/**
 * RFC 7644 §3.11 /Me: bearer tokens here belong to provisioning clients, not to users, so there is no "me"
 * to resolve; the RFC's answer for an unsupported /Me is 501 Not Implemented.
 */
@ApiTags('Users')
@ApiBearerAuth()
@Controller(`${SCIM_BASE_PATH}/Me`)
export class MeController {
  @All()
  @ApiExcludeEndpoint()
  me(): never {
    throw ScimError.notImplemented('/Me is not supported: tokens identify provisioning clients, not users');
  }

  @All('*')
  @ApiExcludeEndpoint()
  meSubPath(): never {
    return this.me();
  }
}
