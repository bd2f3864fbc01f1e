import { hashPassword, verifyPassword } from './password.hasher';

describe(hashPassword.name, () => {
  it('stores a salted scrypt hash that verifies only the same password', async () => {
    const sut = await hashPassword('correct horse');

    expect(sut).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    await expect(verifyPassword('correct horse', sut)).resolves.toBe(true);
    await expect(verifyPassword('Correct horse', sut)).resolves.toBe(false);
  });

  it('salts every hash, so one password never hashes twice the same way', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('refuses a stored value that is not one of its hashes', async () => {
    await expect(verifyPassword('x', 'plain-text')).resolves.toBe(false);
  });
});
