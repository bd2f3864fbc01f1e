import { Injectable } from '@nestjs/common';
import { SCIM_BASE_PATH } from '../../resources/scim-context.factory';
import { OAUTH_BEARER_TOKEN_SCHEME } from '../../scim/discovery/discovery';
import type { AuthenticationScheme } from '../../scim/discovery/discovery';
import { OAUTH_TOKEN_PATH } from './oauth-error';

/**
 * The authenticationSchemes of ServiceProviderConfig (RFC 7643 §5): a static bearer token, or an access token
 * of the OAuth 2.0 client-credentials grant (the token endpoint always exists; its clients come from
 * configuration or the admin API at any time).
 */
@Injectable()
export class AuthenticationSchemes {
  /** `scimBaseUrl`: the absolute SCIM base URL (…/scim/v2); the token endpoint lives beside it. */
  list(scimBaseUrl: string): AuthenticationScheme[] {
    const server = scimBaseUrl.replace(/\/+$/, '').replace(new RegExp(`/${SCIM_BASE_PATH}$`), '');
    return [
      { ...OAUTH_BEARER_TOKEN_SCHEME },
      {
        type: 'oauth2',
        name: 'OAuth 2.0 Client Credentials',
        description:
          `Bearer access tokens from POST ${server}${OAUTH_TOKEN_PATH} with grant_type=client_credentials ` +
          '(RFC 6749 §4.4); the client authenticates with HTTP Basic (client_secret_basic) or with client_id ' +
          'and client_secret form fields (client_secret_post).',
        specUri: 'https://www.rfc-editor.org/info/rfc6749',
        primary: false,
      },
    ];
  }
}
