import { presentedClientCredentials } from './client-credentials';
import { OAuthError } from './oauth-error';

function basic(userPass: string): string {
  return `Basic ${Buffer.from(userPass).toString('base64')}`;
}

function errorOf(run: () => unknown): OAuthError {
  try {
    run();
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
  throw new Error('expected an OAuthError');
}

describe(presentedClientCredentials.name, () => {
  it('reads HTTP Basic credentials (client_secret_basic)', () => {
    expect(presentedClientCredentials(basic('entra:s3cret'), {})).toEqual({
      clientId: 'entra',
      clientSecret: 's3cret',
      method: 'client_secret_basic',
    });
  });

  it('form-urldecodes the Basic user and password (RFC 6749 §2.3.1)', () => {
    expect(presentedClientCredentials(basic('my%20client:a%2Bb%3Ac'), {})).toMatchObject({
      clientId: 'my client',
      clientSecret: 'a+b:c',
    });
  });

  it('keeps a secret with a colon whole (only the first colon separates)', () => {
    expect(presentedClientCredentials(basic('entra:a:b'), {}).clientSecret).toBe('a:b');
  });

  it('accepts the scheme name in any case', () => {
    expect(presentedClientCredentials(basic('entra:x').replace('Basic', 'bAsIc'), {}).clientId).toBe('entra');
  });

  it('reads form credentials (client_secret_post)', () => {
    expect(presentedClientCredentials(undefined, { client_id: 'entra', client_secret: 's3cret' })).toEqual({
      clientId: 'entra',
      clientSecret: 's3cret',
      method: 'client_secret_post',
    });
  });

  it('accepts both when they agree', () => {
    expect(
      presentedClientCredentials(basic('entra:s3cret'), { client_id: 'entra', client_secret: 's3cret' })
        .method,
    ).toBe('client_secret_basic+post');
  });

  it('accepts Basic with a matching client_id and no client_secret in the body', () => {
    expect(presentedClientCredentials(basic('entra:s3cret'), { client_id: 'entra' }).method).toBe(
      'client_secret_basic',
    );
  });

  it('refuses Basic and body naming different clients with invalid_request', () => {
    const error = errorOf(() =>
      presentedClientCredentials(basic('entra:s3cret'), { client_id: 'other', client_secret: 's3cret' }),
    );

    expect([error.error, error.status]).toEqual(['invalid_request', 400]);
  });

  it('refuses Basic and body carrying different secrets with invalid_request', () => {
    expect(
      errorOf(() => presentedClientCredentials(basic('entra:s3cret'), { client_secret: 'other' })).error,
    ).toBe('invalid_request');
  });

  it('refuses a request without credentials with invalid_client', () => {
    const error = errorOf(() => presentedClientCredentials(undefined, { grant_type: 'client_credentials' }));

    expect([error.error, error.status]).toEqual(['invalid_client', 401]);
    expect(error.headers).toEqual({ 'WWW-Authenticate': 'Basic realm="scim-stream"' });
  });

  it('refuses client_id without client_secret (no public clients) with invalid_client', () => {
    expect(errorOf(() => presentedClientCredentials(undefined, { client_id: 'entra' })).error).toBe(
      'invalid_client',
    );
  });

  it('refuses malformed Basic credentials with invalid_client', () => {
    for (const header of ['Basic', 'Basic !!!', basic('no-colon'), basic(':secret-without-id')]) {
      expect(errorOf(() => presentedClientCredentials(header, {})).error).toBe('invalid_client');
    }
  });

  it('ignores other authorization schemes', () => {
    expect(presentedClientCredentials('Bearer abc', { client_id: 'entra', client_secret: 'x' }).method).toBe(
      'client_secret_post',
    );
  });

  it('refuses client assertions (RFC 7523), which are not supported yet', () => {
    expect(
      errorOf(() =>
        presentedClientCredentials(undefined, {
          client_id: 'entra',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: 'a.b.c',
        }),
      ).error,
    ).toBe('invalid_client');
  });
});
