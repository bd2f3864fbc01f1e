import { OAUTH_BEARER_TOKEN_SCHEME } from '../../scim/discovery/discovery';
import { AuthenticationSchemes } from './oauth-authentication-schemes';

describe(AuthenticationSchemes.name, () => {
  it('lists the bearer token first (primary), then OAuth 2.0 client credentials', () => {
    const sut = new AuthenticationSchemes().list('https://scim.example.com/scim/v2');

    expect(sut).toEqual([
      OAUTH_BEARER_TOKEN_SCHEME,
      expect.objectContaining({
        type: 'oauth2',
        primary: false,
        specUri: 'https://www.rfc-editor.org/info/rfc6749',
      }),
    ]);
  });

  it('names the token endpoint beside the SCIM base URL, keeping a path prefix', () => {
    const [, oauth] = new AuthenticationSchemes().list('https://example.com/tenant-a/scim/v2/');

    expect(oauth.description).toContain('POST https://example.com/tenant-a/oauth2/token');
  });
});
