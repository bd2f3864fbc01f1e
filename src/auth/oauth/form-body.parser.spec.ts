import { OAuthError } from './oauth-error';
import { parseFormBody } from './form-body.parser';

describe(parseFormBody.name, () => {
  it('decodes form-urlencoded parameters (+ is a space, %XX an octet)', () => {
    expect(parseFormBody('grant_type=client_credentials&scope=scim+read&client_secret=a%2Bb%3D')).toEqual({
      grant_type: 'client_credentials',
      scope: 'scim read',
      client_secret: 'a+b=',
    });
  });

  it('returns no parameters for an empty body', () => {
    expect(parseFormBody('')).toEqual({});
  });

  it('refuses a parameter included twice (RFC 6749 §3.2)', () => {
    const run = () => parseFormBody('grant_type=client_credentials&client_id=a&client_id=b');

    expect(run).toThrow(OAuthError);
    expect(run).toThrow('Parameter "client_id" is included more than once (RFC 6749 §3.2)');
  });

  it('refuses a parameter repeated even with the same value', () => {
    expect(() => parseFormBody('scope=scim&scope=scim')).toThrow(/"scope"/);
  });

  it('keeps a parameter named __proto__ as an ordinary field', () => {
    const sut = parseFormBody('__proto__=x&grant_type=client_credentials');

    expect(Object.getPrototypeOf(sut)).toBe(Object.prototype);
    expect(Object.keys(sut)).toEqual(['__proto__', 'grant_type']);
  });
});
