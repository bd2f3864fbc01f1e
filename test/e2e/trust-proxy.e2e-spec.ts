import { createTestApp, TestApp } from './harness';

const forwarded = {
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'scim.example.com',
  'x-forwarded-for': '203.0.113.7',
};
const user = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'proxy.user' };

describe('TRUST_PROXY (e2e)', () => {
  let sut: TestApp | undefined;

  afterEach(async () => {
    await sut?.close();
    sut = undefined;
  });

  async function createUser(remoteAddress: string, headers: Record<string, string> = forwarded) {
    return sut!.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      remoteAddress,
      headers: {
        ...sut!.authHeader,
        ...headers,
        'content-type': 'application/scim+json',
        host: 'internal:3000',
      },
      payload: { ...user, userName: `proxy.user.${Math.random()}` },
    });
  }

  it('builds meta.location from X-Forwarded-* sent by a proxy on this host (the default)', async () => {
    sut = await createTestApp();

    const response = await createUser('127.0.0.1');

    expect(response.statusCode).toBe(201);
    expect(response.headers.location).toMatch(/^https:\/\/scim\.example\.com\/scim\/v2\/Users\//);
    expect(response.json().meta.location).toBe(response.headers.location);
  });

  it('by default ignores X-Forwarded-* from another pod of the private network', async () => {
    sut = await createTestApp();

    for (const peer of ['10.1.2.3', '192.168.0.9', 'fd00::5', '169.254.1.1']) {
      const response = await createUser(peer);

      expect(response.statusCode).toBe(201);
      expect(response.headers.location).toMatch(/^http:\/\/internal:3000\/scim\/v2\/Users\//);
    }
  });

  it('trusts the ingress named in TRUST_PROXY', async () => {
    sut = await createTestApp({ trustProxy: '10.1.2.0/24' });

    expect((await createUser('10.1.2.3')).headers.location).toMatch(/^https:\/\/scim\.example\.com\//);
    expect((await createUser('10.1.3.3')).headers.location).toMatch(/^http:\/\/internal:3000\//);
  });

  it('ignores X-Forwarded-* from a public address that is not a trusted proxy', async () => {
    sut = await createTestApp();

    const response = await createUser('198.51.100.20');

    expect(response.headers.location).toMatch(/^http:\/\/internal:3000\/scim\/v2\/Users\//);
  });

  it('trusts no proxy at all with TRUST_PROXY=false', async () => {
    sut = await createTestApp({ trustProxy: 'false' });

    const response = await createUser('127.0.0.1');

    expect(response.headers.location).toMatch(/^http:\/\/internal:3000\/scim\/v2\/Users\//);
  });

  it('ignores a malformed X-Forwarded-Host from a trusted proxy, and accepts a well-formed one', async () => {
    sut = await createTestApp({ trustProxy: 'loopback' });
    const malformed = [
      'evil.example:99999',
      'evil.example:0',
      'evil.example/path',
      'user@evil.example',
      'evil..example',
      '-evil.example',
      'evil.example:80:80',
      '[::1',
      'evil example',
    ];
    const wellFormed = ['scim.example.com:8443', '203.0.113.9:65535', '[2001:db8::1]:443', 'scim-1.internal'];

    for (const host of malformed) {
      const response = await createUser('127.0.0.1', { ...forwarded, 'x-forwarded-host': host });
      expect({ host, status: response.statusCode, location: response.headers.location }).toEqual({
        host,
        status: 201,
        location: expect.stringMatching(/^https:\/\/internal:3000\/scim\/v2\/Users\//),
      });
    }
    for (const host of wellFormed) {
      const response = await createUser('127.0.0.1', { ...forwarded, 'x-forwarded-host': host });
      expect({ host, location: response.headers.location }).toEqual({
        host,
        location: expect.stringContaining(`https://${host}/scim/v2/Users/`),
      });
    }
  });

  it('ignores a forwarded scheme other than http or https', async () => {
    sut = await createTestApp({ trustProxy: 'loopback' });

    const response = await createUser('127.0.0.1', { ...forwarded, 'x-forwarded-proto': 'javascript' });

    expect(response.headers.location).toMatch(/^http:\/\/scim\.example\.com\/scim\/v2\/Users\//);
  });

  it('answers 400 with a SCIM error to a malformed Host header', async () => {
    sut = await createTestApp({ trustProxy: 'false' });

    const response = await sut.app.inject({
      method: 'GET',
      url: '/scim/v2/Users',
      headers: { ...sut.authHeader, host: 'evil.example:99999' },
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
  });

  it('uses BASE_URL, when set, whatever a trusted proxy forwards', async () => {
    sut = await createTestApp({ trustProxy: 'true', baseUrl: 'https://scim.public.example' });

    const response = await createUser('10.1.2.3', { ...forwarded, 'x-forwarded-host': 'evil.example' });
    const malformedHost = await sut.app.inject({
      method: 'GET',
      url: '/scim/v2/ServiceProviderConfig',
      headers: { ...sut.authHeader, host: 'evil.example:99999', 'x-forwarded-host': 'evil.example' },
    });

    expect(response.headers.location).toMatch(/^https:\/\/scim\.public\.example\/scim\/v2\/Users\//);
    expect(response.json().meta.location).toBe(response.headers.location);
    expect(malformedHost.statusCode).toBe(200);
    expect(malformedHost.json().meta.location).toBe(
      'https://scim.public.example/scim/v2/ServiceProviderConfig',
    );
  });
});
