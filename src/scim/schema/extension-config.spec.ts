import { readFileSync } from 'fs';
import { join } from 'path';
import { ScimError } from '../errors';
import { createRegistry } from './core-schemas';
import { parseExtensionConfig } from './extension-config';

const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';

function configError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error('expected a ScimError');
}

function expectRejected(json: unknown, detail: RegExp): void {
  const error = configError(() => parseExtensionConfig(json));
  expect({ status: error.status, scimType: error.scimType }).toEqual({
    status: 400,
    scimType: 'invalidValue',
  });
  expect(error.detail).toMatch(detail);
}

describe(parseExtensionConfig.name, () => {
  it('fills in the RFC 7643 §2.2 defaults', () => {
    const [sut] = parseExtensionConfig({ extensions: [{ schema: ACME, attributes: [{ name: 'code' }] }] });
    expect(sut).toEqual({
      resourceType: 'User',
      required: false,
      schema: {
        id: ACME,
        name: 'acme',
        description: 'acme',
        attributes: [
          {
            name: 'code',
            type: 'string',
            multiValued: false,
            description: '',
            required: false,
            caseExact: false,
            mutability: 'readWrite',
            returned: 'default',
            uniqueness: 'none',
          },
        ],
      },
    });
  });

  it('keeps characteristics that are given', () => {
    const [sut] = parseExtensionConfig([
      {
        schema: ACME,
        name: 'Acme',
        resourceType: 'Group',
        required: true,
        attributes: [
          { name: 'n', type: 'integer', required: true, returned: 'request', canonicalValues: ['1'] },
        ],
      },
    ]);
    expect(sut.resourceType).toBe('Group');
    expect(sut.required).toBe(true);
    expect(sut.schema.attributes[0]).toMatchObject({
      type: 'integer',
      required: true,
      returned: 'request',
      canonicalValues: ['1'],
    });
  });

  it('gives reference attributes the external reference type by default', () => {
    const [sut] = parseExtensionConfig([{ schema: ACME, attributes: [{ name: 'site', type: 'reference' }] }]);
    expect(sut.schema.attributes[0].referenceTypes).toEqual(['external']);
  });

  it('parses complex sub-attributes including $ref', () => {
    const [sut] = parseExtensionConfig([
      {
        schema: ACME,
        attributes: [
          {
            name: 'buddy',
            type: 'complex',
            subAttributes: [{ name: 'value' }, { name: '$ref', type: 'reference', referenceTypes: ['User'] }],
          },
        ],
      },
    ]);
    expect(sut.schema.attributes[0].subAttributes!.map((s) => s.name)).toEqual(['value', '$ref']);
  });

  it('returns nothing for a document without extensions', () => {
    expect(parseExtensionConfig({ description: 'none yet' })).toEqual([]);
  });

  it('parses the example shipped in config/', () => {
    const json = JSON.parse(readFileSync(join(__dirname, '../../../config/schema-extensions.json'), 'utf8'));
    const sut = parseExtensionConfig(json);
    expect(sut.map((e) => e.schema.attributes.map((a) => `${a.name}:${a.type}`))).toEqual([
      ['costCenterCode:string', 'badgeNumber:integer'],
    ]);
    expect(() => createRegistry(sut)).not.toThrow();
  });

  it('refuses a document that is not an object or array', () => {
    expectRejected('x', /"extensions" array/);
  });

  it('refuses an extension without URN', () => {
    expectRejected([{ attributes: [{ name: 'a' }] }], /extensions\[0\].*"schema" must be the extension URN/);
  });

  it('refuses a URN declared twice', () => {
    expectRejected(
      [
        { schema: ACME, attributes: [{ name: 'a' }] },
        { schema: ACME.toUpperCase(), attributes: [{ name: 'a' }] },
      ],
      /extensions\[1\].*declared twice/,
    );
  });

  it('refuses an extension without attributes', () => {
    expectRejected([{ schema: ACME, attributes: [] }], /"attributes" must be a non-empty array/);
  });

  it('refuses an unknown key, catching typos', () => {
    expectRejected(
      [{ schema: ACME, attributes: [{ name: 'a', mutable: 'no' }] }],
      /unknown attribute characteristic "mutable"/,
    );
  });

  it('refuses an invalid attribute name', () => {
    expectRejected(
      [{ schema: ACME, attributes: [{ name: '1st' }] }],
      /attributes\[0\].*"name" must be an attribute name/,
    );
  });

  it('refuses an unknown type', () => {
    expectRejected(
      [{ schema: ACME, attributes: [{ name: 'a', type: 'float' }] }],
      /\(a\): "type" must be one of string/,
    );
  });

  it('refuses a non-boolean characteristic', () => {
    expectRejected(
      [{ schema: ACME, attributes: [{ name: 'a', required: 'yes' }] }],
      /"required" must be true or false/,
    );
  });

  it('refuses a name declared twice in different case', () => {
    expectRejected(
      [{ schema: ACME, attributes: [{ name: 'code' }, { name: 'Code' }] }],
      /attribute "Code" is declared twice/,
    );
  });

  it('refuses a complex attribute without sub-attributes', () => {
    expectRejected(
      [{ schema: ACME, attributes: [{ name: 'c', type: 'complex' }] }],
      /non-empty "subAttributes"/,
    );
  });

  it('refuses a complex sub-attribute (RFC 7643 §2.3.8)', () => {
    expectRejected(
      [
        {
          schema: ACME,
          attributes: [
            {
              name: 'c',
              type: 'complex',
              subAttributes: [{ name: 'd', type: 'complex', subAttributes: [{ name: 'e' }] }],
            },
          ],
        },
      ],
      /cannot be complex/,
    );
  });

  it('refuses subAttributes on a simple attribute', () => {
    expectRejected(
      [{ schema: ACME, attributes: [{ name: 'c', subAttributes: [{ name: 'd' }] }] }],
      /complex attributes only/,
    );
  });

  it('refuses referenceTypes on a non-reference attribute', () => {
    expectRejected(
      [{ schema: ACME, attributes: [{ name: 'c', referenceTypes: ['User'] }] }],
      /reference attributes only/,
    );
  });
});
