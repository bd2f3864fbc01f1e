import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../../config/app-config';
import { Public } from '../../http/public.decorator';
import { ScimError } from '../../scim/errors';
import { POLL_METHOD_URN, PUSH_METHOD_URN } from './scim-events';
import { issuerUrl, JWKS_PATH, SSF_CONFIGURATION_PATH } from './set-issuer';
import { SetMinter } from './set-minter';
import { SSF_SPEC_VERSION } from './ssf-stream';
import type { Json } from './ssf-request';

/** Where the stream management API lives (ssf.controller.ts). */
export const SSF_BASE_PATH = 'ssf';

/** `GET /.well-known/ssf-configuration`: SSF 1.0 §7 transmitter metadata, for any receiver. */
@ApiTags('Standard streams')
@Public()
@Controller()
export class SsfConfigurationController {
  constructor(
    private readonly minter: SetMinter,
    private readonly config: AppConfig,
  ) {}

  @Get(SSF_CONFIGURATION_PATH)
  @ApiOperation({ summary: 'Shared Signals transmitter configuration (OpenID SSF 1.0 §7)' })
  configuration(): Json {
    const issuer = this.minter.issuer();
    if (issuer === undefined) {
      throw ScimError.notFound('This server issues no Security Event Tokens: set SET_ISSUER or BASE_URL');
    }
    const base = this.config.baseUrl ?? issuer;
    return {
      spec_version: SSF_SPEC_VERSION,
      issuer,
      jwks_uri: issuerUrl(base, JWKS_PATH),
      delivery_methods_supported: [PUSH_METHOD_URN, POLL_METHOD_URN],
      configuration_endpoint: issuerUrl(base, `${SSF_BASE_PATH}/streams`),
      status_endpoint: issuerUrl(base, `${SSF_BASE_PATH}/status`),
      verification_endpoint: issuerUrl(base, `${SSF_BASE_PATH}/verify`),
      add_subject_endpoint: issuerUrl(base, `${SSF_BASE_PATH}/subjects:add`),
      remove_subject_endpoint: issuerUrl(base, `${SSF_BASE_PATH}/subjects:remove`),
      // Stream management: ADMIN_TOKEN (with ?tenant=) or a tenant credential with the scope ssf.manage, a
      // static bearer token (RFC 6750) or an access token of the client-credentials grant (RFC 6749).
      authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6750' }, { spec_urn: 'urn:ietf:rfc:6749' }],
      // Every stream covers all of its tenant's Users and Groups; subjects:remove takes one out.
      default_subjects: 'ALL',
    };
  }
}
