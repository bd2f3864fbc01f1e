import { Body, Controller, Delete, Get, HttpCode, Module, Post } from '@nestjs/common';
import type { Principal } from '../../../src/auth/principal';
import { ListResult } from '../../../src/http/list-result';
import { Public } from '../../../src/http/public.decorator';
import { ScimResponse } from '../../../src/http/scim-response';
import { Tenant } from '../../../src/auth/tenant.decorator';
import { ScimError } from '../../../src/scim/errors';

export const PROBE_BASE = '/scim/v2/__probe';

export const PROBE_USER = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: '2819c223',
  userName: 'bjensen',
  meta: { resourceType: 'User', version: 'W/"3"', location: 'https://example.com/scim/v2/Users/2819c223' },
};

/** Test-only SCIM-like routes exercising the HTTP shell (errors, envelope, auth). */
@Controller('scim/v2/__probe')
export class ProbeController {
  @Get('boom')
  boom(): never {
    throw new Error('database password is hunter2');
  }

  @Get('scim-error')
  scimError(): never {
    throw ScimError.invalidFilter('Unexpected token at position 7');
  }

  @Get('whoami')
  whoami(@Tenant() principal: Principal): Principal {
    return principal;
  }

  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: unknown): unknown {
    return { received: body };
  }

  @Get('user')
  user(): typeof PROBE_USER {
    return PROBE_USER;
  }

  @Get('users/:id')
  userById(): typeof PROBE_USER {
    return PROBE_USER;
  }

  @Post('user')
  createUser(): typeof PROBE_USER {
    return PROBE_USER;
  }

  @Post('user-explicit')
  @HttpCode(200)
  createExplicit(): ScimResponse<typeof PROBE_USER> {
    return ScimResponse.created(PROBE_USER);
  }

  @Get('list')
  list(): ListResult<typeof PROBE_USER> {
    return new ListResult({ resources: [PROBE_USER], totalResults: 7, startIndex: 3 });
  }

  @Delete('user')
  remove(): ScimResponse {
    return ScimResponse.noContent();
  }

  @Get('not-modified')
  notModified(): ScimResponse {
    return ScimResponse.notModified('W/"3"');
  }

  @Public()
  @Get('public')
  open(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
