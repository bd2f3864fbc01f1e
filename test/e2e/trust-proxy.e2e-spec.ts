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

  async function createUser(remoteAddress: string) {
    return sut!.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      remoteAddress,
      headers: {
        ...sut!.authHeader,
        ...forwarded,
        'content-type': 'application/scim+json',
        host: 'internal:3000',
      },
      payload: user,
    });
  }

  it('builds meta.location from X-Forwarded-* sent by a proxy on a private network (the default)', async () => {
    sut = await createTestApp();

    const response = await createUser('10.1.2.3');

    expect(response.statusCode).toBe(201);
    expect(response.headers.location).toMatch(/^https:\/\/scim\.example\.com\/scim\/v2\/Users\//);
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
});
